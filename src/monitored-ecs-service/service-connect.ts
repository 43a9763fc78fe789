import { Token, aws_ecs as ecs } from 'aws-cdk-lib';
import { invalid } from '../private/validate';

/** Service Connect: services of one namespace call each other by short names through ECS's proxy. */
export interface ServiceConnectOptions {
  /**
   * The Cloud Map namespace (name or ARN) the service joins.
   * @default - the cluster's default namespace (`ThreeTierApp` with `serviceConnect` makes one)
   */
  readonly namespace?: string;
  /**
   * Short name other services of the namespace call this one by (`http://<serverName>:<containerPort>`).
   * @default - a client only: it calls the others, nobody calls it
   */
  readonly serverName?: string;
}

/** Lowercase letters, digits and hyphens, a letter first: a DNS label Cloud Map and ECS both take. */
const SERVER_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Throw unless the server name is one Service Connect takes as both discovery and DNS name. */
export function checkServerName(path: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name) || (SERVER_NAME.test(name) && !name.endsWith('-'))) return;
  throw invalid(path, 'serviceConnect.serverName', name,
    'a Service Connect name is 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    `Use a name such as '${name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '') || 'api'}'.`);
}

/** The service's Service Connect configuration: a client always, a server under `serverName`. */
export function serviceConnectConfiguration(options: ServiceConnectOptions, containerPort: number,
  logDriver: ecs.LogDriver): ecs.ServiceConnectProps {
  return {
    namespace: options.namespace,
    services: options.serverName
      ? [{ portMappingName: 'http', discoveryName: options.serverName, dnsName: options.serverName, port: containerPort }]
      : undefined,
    // The proxy's own log (connections, retries) beside the service's.
    logDriver,
  };
}
