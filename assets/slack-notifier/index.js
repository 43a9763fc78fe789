// SNS -> Lambda -> Slack incoming webhook. Formats CloudWatch alarm notifications and ECS
// EventBridge events (deployment failed / rolled back, task stopped) into readable messages.
// Plain JavaScript on the Lambda Node.js runtime; the AWS SDK v3 is provided by the runtime.
'use strict';

const STATE_ICON = { ALARM: ':red_circle:', OK: ':large_green_circle:', INSUFFICIENT_DATA: ':white_circle:' };

/** A CloudWatch alarm state change (the JSON that CloudWatch publishes to SNS). */
function formatAlarm(alarm) {
  const icon = STATE_ICON[alarm.NewStateValue] || ':grey_question:';
  const lines = [
    `${icon} *${alarm.AlarmName}* is ${alarm.NewStateValue}` + (alarm.OldStateValue ? ` (was ${alarm.OldStateValue})` : ''),
  ];
  if (alarm.AlarmDescription) lines.push(alarm.AlarmDescription);
  if (alarm.NewStateReason) lines.push(`> ${alarm.NewStateReason}`);
  if (alarm.Region || alarm.StateChangeTime) lines.push(`_${[alarm.Region, alarm.StateChangeTime].filter(Boolean).join(' · ')}_`);
  return { text: lines.join('\n') };
}

/** An ECS event delivered by EventBridge. */
function formatEcsEvent(event) {
  const d = event.detail || {};
  const where = `${event.region || ''}`.trim();
  if (event['detail-type'] === 'ECS Deployment State Change') {
    const failed = d.eventName === 'SERVICE_DEPLOYMENT_FAILED';
    const icon = failed ? ':rotating_light:' : ':information_source:';
    const service = (event.resources || [])[0] || 'service';
    const text = [
      `${icon} *Deployment ${failed ? 'failed' : d.eventName}* for \`${shortArn(service)}\``,
      d.reason ? `> ${d.reason}` : undefined,
      d.deploymentId ? `_deployment ${d.deploymentId}${where ? ' · ' + where : ''}_` : undefined,
    ].filter(Boolean).join('\n');
    return { text };
  }
  if (event['detail-type'] === 'ECS Task State Change') {
    const containers = (d.containers || [])
      .filter((c) => c.exitCode !== undefined && c.exitCode !== 0)
      .map((c) => `\`${c.name}\` exited ${c.exitCode}${c.reason ? ` (${c.reason})` : ''}`);
    const text = [
      `:warning: *Task stopped unexpectedly* in \`${shortArn(d.group || d.clusterArn || '')}\``,
      d.stoppedReason ? `> ${d.stoppedReason}` : undefined,
      containers.length ? containers.join(', ') : undefined,
      `_${[shortArn(d.taskArn || ''), d.stopCode, where].filter(Boolean).join(' · ')}_`,
    ].filter(Boolean).join('\n');
    return { text };
  }
  return { text: `:information_source: ${event['detail-type'] || 'Event'}: \`${JSON.stringify(d).slice(0, 500)}\`` };
}

/** Anything else published to the topic. */
function formatMessage(subject, message) {
  let parsed;
  try { parsed = JSON.parse(message); } catch (e) { parsed = undefined; }
  if (parsed && parsed.AlarmName && parsed.NewStateValue) return formatAlarm(parsed);
  if (parsed && parsed.source === 'aws.ecs' && parsed['detail-type']) return formatEcsEvent(parsed);
  return { text: [subject ? `*${subject}*` : undefined, String(message).slice(0, 3000)].filter(Boolean).join('\n') };
}

function shortArn(arn) {
  const s = String(arn);
  const slash = s.indexOf('/');
  return slash >= 0 && s.startsWith('arn:') ? s.slice(slash + 1) : s;
}

let cachedUrl;
async function webhookUrl() {
  if (cachedUrl) return cachedUrl;
  const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: process.env.WEBHOOK_SECRET_ARN }));
  const value = (out.SecretString || '').trim();
  // The secret may be the URL itself or JSON with a `url` field; check it before caching it.
  const url = value.startsWith('{') ? JSON.parse(value).url : value;
  if (!url || !String(url).startsWith('https://')) throw new Error('Slack webhook secret must hold an https URL (or JSON {"url": ...})');
  cachedUrl = url;
  return cachedUrl;
}

async function post(url, payload, fetchImpl) {
  const res = await fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  if (!res.ok) throw new Error(`Slack answered ${res.status}`);
}

/** Deliver every SNS record of the event; `deps` lets tests replace the network. */
async function deliver(event, deps) {
  const fetchImpl = deps.fetch || fetch;
  const url = deps.url || await webhookUrl();
  for (const record of event.Records || []) {
    const sns = record.Sns || {};
    await post(url, formatMessage(sns.Subject, sns.Message), fetchImpl);
  }
}

async function handler(event) {
  await deliver(event, {});
}

module.exports = { handler, deliver, formatAlarm, formatEcsEvent, formatMessage };
