package com.example.threetier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdkthreetier.CostProfile;
import io.github.cdkthreetier.ImageRepositoryOptions;
import io.github.cdkthreetier.MonitoredEcsService;
import io.github.cdkthreetier.PrometheusOptions;
import io.github.cdkthreetier.TargetHealthCheck;
import io.github.cdkthreetier.ThreeTierApp;
import io.github.cdkthreetier.ThreeTierEdgeStack;
import io.github.cdkthreetier.ThreeTierServiceDefinition;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The main example system (examples/three-tier), as a Java user writes it. Synthesizes without
 * the CDK CLI: mvn -q compile exec:java -Dexec.args="&lt;outdir&gt; &lt;examples folder&gt;".
 */
public final class ThreeTierExample {
    private ThreeTierExample() {
    }

    /** The Slack webhook URL secret, with the findings it is meant to have acknowledged. */
    static Secret slackWebhookSecret(final Stack stack) {
        Secret secret = Secret.Builder.create(stack, "SlackWebhook").description("Slack incoming webhook URL").build();
        String reason = "A Slack webhook URL is rotated in Slack, not by Secrets Manager; the default key is enough for it.";
        List<String> rules = new ArrayList<>(List.of("AwsSolutions-SMG4"));
        for (String rule : List.of("SecretsManagerRotationEnabled", "SecretsManagerUsingKMSKey")) {
            for (String pack : List.of("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")) {
                rules.add(pack + "-" + rule);
            }
        }
        for (String rule : rules) {
            Validations.of(secret).acknowledge(Acknowledgment.builder().id(rule).reason(reason).build());
        }
        // cdk-nag 2 reads its suppressions from the resource's metadata.
        ((CfnResource) secret.getNode().getDefaultChild()).addMetadata("cdk_nag",
                Map.of("rules_to_suppress", rules.stream().map(r -> Map.of("id", r, "reason", reason)).toList()));
        return secret;
    }

    static void build(final App app, final Path examples) {
        String account = System.getenv("CDK_DEFAULT_ACCOUNT");

        // quickstart:start
        // us-east-1: the WAF web ACL CloudFront takes; Seoul: everything else.
        ThreeTierEdgeStack edge = ThreeTierEdgeStack.Builder.create(app, "ThreeTierEdge")
                .env(Environment.builder().account(account).region("us-east-1").build())
                .build();
        Stack stack = new Stack(app, "ThreeTierSystem", StackProps.builder()
                .env(Environment.builder().account(account).region("ap-northeast-2").build())
                .crossRegionReferences(true)
                .build());

        ThreeTierApp system = ThreeTierApp.Builder.create(stack, "System")
                .profile(CostProfile.development())
                .edge(edge)
                .siteDirectory(examples.resolve("three-tier/site").toString())
                .slackWebhookSecret(slackWebhookSecret(stack))
                .services(List.of(ThreeTierServiceDefinition.builder()
                        .id("Items")
                        .image(ContainerImage.fromAsset(examples.resolve("items-service").toString(),
                                AssetImageProps.builder().platform(Platform.LINUX_ARM64).build()))
                        .containerPort(8080)
                        .healthCheck(TargetHealthCheck.builder().path("/healthz").build())
                        .user("1000:1000")
                        .scratchPaths(List.of())
                        .cpuArchitecture(CpuArchitecture.ARM64)
                        .environment(Map.of("ITEMS_STORE", "postgres", "BASE_PATH", "/api"))
                        .pathPatterns(List.of("/api/*"))
                        .prometheus(PrometheusOptions.builder().build())
                        .enableExecuteCommand(true)
                        .imageRepository(ImageRepositoryOptions.builder().repositoryName("items-service").build())
                        .build()))
                .build();
        // quickstart:end
        MonitoredEcsService items = system.getAppTier().getServices().get(0);

        CfnOutput.Builder.create(stack, "Url").value(system.getUrl()).build();
        CfnOutput.Builder.create(stack, "ItemsApi").value(system.getUrl() + "/api/items").build();
        CfnOutput.Builder.create(stack, "Dashboard").value(system.getDashboard().getDashboardName()).build();
        CfnOutput.Builder.create(stack, "AlarmTopic").value(system.getAlarmTopic().getTopicArn()).build();
        CfnOutput.Builder.create(stack, "PrometheusWorkspace").value(items.getPrometheusWorkspace().getAttrPrometheusEndpoint()).build();
        CfnOutput.Builder.create(stack, "ImageRepository").value(items.getImageRepository().getRepository().getRepositoryUri()).build();
        CfnOutput.Builder.create(stack, "AthenaWorkGroup").value(system.getLogArchive().getWorkGroupName()).build();
    }

    public static void main(final String[] args) {
        String outdir = args.length > 0 ? args[0] : "cdk.out";
        Path examples = Path.of(args.length > 1 ? args[1] : "../../examples").toAbsolutePath().normalize();
        App app = new App(AppProps.builder().outdir(outdir).build());
        build(app, examples);
        app.synth();
        List<String> findings = unacknowledgedFindings(app);
        findings.forEach(System.err::println);
        if (!findings.isEmpty()) {
            System.err.println("java: " + findings.size() + " unacknowledged AwsSolutions finding(s)");
            System.exit(1);
        }
        System.out.println("java: synthesized, AwsSolutions clean");
        System.exit(0); // the jsii runtime's node process would otherwise keep the JVM up
    }

    /** AwsSolutions over every stack, as cdk-nag 3 runs on aws-cdk-lib 2.257 (validateScope). */
    static List<String> unacknowledgedFindings(final App app) {
        List<String> findings = new ArrayList<>();
        for (IConstruct construct : app.getNode().findAll()) {
            if (!Stack.isStack(construct)) {
                continue;
            }
            for (PolicyViolation violation : new AwsSolutionsChecks().validateScope(construct).getViolations()) {
                for (PolicyViolatingResource resource : violation.getViolatingResources()) {
                    findings.add(violation.getRuleName() + " on " + resource.getConstructPath());
                }
            }
        }
        return findings;
    }
}
