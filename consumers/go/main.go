// The main example system (examples/three-tier), as a Go user writes it. It uses the packed Go
// module of cdk-three-tier (dist/go, through the replace line of go.mod), aws-cdk-go, constructs
// and cdk-nag from the Go module proxy, and synthesizes without the CDK CLI:
// go run . <outdir> <examples folder>
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecrassets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-three-tier/cdk-three-tier-go/cdkthreetier"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// slackWebhookSecret is the Slack webhook URL secret, with the findings it is meant to have acknowledged.
func slackWebhookSecret(stack awscdk.Stack) awssecretsmanager.Secret {
	secret := awssecretsmanager.NewSecret(stack, jsii.String("SlackWebhook"), &awssecretsmanager.SecretProps{
		Description: jsii.String("Slack incoming webhook URL"),
	})
	reason := jsii.String("A Slack webhook URL is rotated in Slack, not by Secrets Manager; the default key is enough for it.")
	rules := []string{"AwsSolutions-SMG4"}
	for _, rule := range []string{"SecretsManagerRotationEnabled", "SecretsManagerUsingKMSKey"} {
		for _, pack := range []string{"NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"} {
			rules = append(rules, pack+"-"+rule)
		}
	}
	suppressions := []*cdknag.NagPackSuppression{}
	for _, rule := range rules {
		awscdk.Validations_Of(secret).Acknowledge(&awscdk.Acknowledgment{Id: jsii.String(rule), Reason: reason})
		suppressions = append(suppressions, &cdknag.NagPackSuppression{Id: jsii.String(rule), Reason: reason})
	}
	// cdk-nag 2 (the newest cdk-nag published for Go) reads these from the resource's metadata.
	cdknag.NagSuppressions_AddResourceSuppressions(secret, &suppressions, nil)
	return secret
}

func build(app awscdk.App, examples string) {
	var account *string
	if a := os.Getenv("CDK_DEFAULT_ACCOUNT"); a != "" {
		account = jsii.String(a)
	}

	// quickstart:start
	// us-east-1: the WAF web ACL CloudFront takes; Seoul: everything else.
	edge := cdkthreetier.NewThreeTierEdgeStack(app, jsii.String("ThreeTierEdge"), &cdkthreetier.ThreeTierEdgeStackProps{
		Env: &awscdk.Environment{Account: account, Region: jsii.String("us-east-1")},
	})
	stack := awscdk.NewStack(app, jsii.String("ThreeTierSystem"), &awscdk.StackProps{
		Env:                   &awscdk.Environment{Account: account, Region: jsii.String("ap-northeast-2")},
		CrossRegionReferences: jsii.Bool(true),
	})

	system := cdkthreetier.NewThreeTierApp(stack, jsii.String("System"), &cdkthreetier.ThreeTierAppProps{
		Profile:            cdkthreetier.CostProfile_Development(),
		Edge:               edge,
		SiteDirectory:      jsii.String(filepath.Join(examples, "three-tier", "site")),
		SlackWebhookSecret: slackWebhookSecret(stack),
		Services: &[]*cdkthreetier.ThreeTierServiceDefinition{{
			Id: jsii.String("Items"),
			Image: awsecs.ContainerImage_FromAsset(jsii.String(filepath.Join(examples, "items-service")), &awsecs.AssetImageProps{
				Platform: awsecrassets.Platform_LINUX_ARM64(),
			}),
			ContainerPort:   jsii.Number(8080),
			HealthCheck:     &cdkthreetier.TargetHealthCheck{Path: jsii.String("/healthz")},
			User:            jsii.String("1000:1000"),
			ScratchPaths:    &[]*string{},
			CpuArchitecture: awsecs.CpuArchitecture_ARM64(),
			Environment:     &map[string]*string{"ITEMS_STORE": jsii.String("postgres"), "BASE_PATH": jsii.String("/api")},
			PathPatterns:    jsii.Strings("/api/*"),
			Prometheus:      &cdkthreetier.PrometheusOptions{},
			EnableExecuteCommand: jsii.Bool(true),
			ImageRepository:      &cdkthreetier.ImageRepositoryOptions{RepositoryName: jsii.String("items-service")},
		}},
	})
	// quickstart:end
	items := (*system.AppTier().Services())[0]
	url := system.Url()

	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: url})
	awscdk.NewCfnOutput(stack, jsii.String("ItemsApi"), &awscdk.CfnOutputProps{Value: jsii.String(*url + "/api/items")})
	awscdk.NewCfnOutput(stack, jsii.String("Dashboard"), &awscdk.CfnOutputProps{Value: system.Dashboard().DashboardName()})
	awscdk.NewCfnOutput(stack, jsii.String("AlarmTopic"), &awscdk.CfnOutputProps{Value: system.AlarmTopic().TopicArn()})
	awscdk.NewCfnOutput(stack, jsii.String("PrometheusWorkspace"), &awscdk.CfnOutputProps{Value: items.PrometheusWorkspace().AttrPrometheusEndpoint()})
	awscdk.NewCfnOutput(stack, jsii.String("ImageRepository"), &awscdk.CfnOutputProps{Value: items.ImageRepository().Repository().RepositoryUri()})
	awscdk.NewCfnOutput(stack, jsii.String("AthenaWorkGroup"), &awscdk.CfnOutputProps{Value: system.LogArchive().WorkGroupName()})
}

func main() {
	defer jsii.Close()
	outdir, examples := "cdk.out", filepath.Join("..", "..", "examples")
	if len(os.Args) > 1 {
		outdir = os.Args[1]
	}
	if len(os.Args) > 2 {
		examples = os.Args[2]
	}
	examples, _ = filepath.Abs(examples)

	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	// cdk-nag 2 is an Aspect that reports findings as error annotations.
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{}), nil)
	build(app, examples)
	assembly := app.Synth(nil)

	findings := 0
	for _, stack := range *assembly.StacksRecursively() {
		for _, message := range *stack.Messages() {
			if message.Level == "error" {
				findings++
				fmt.Fprintf(os.Stderr, "%s: %v\n", *message.Id, message.Entry.Data)
			}
		}
	}
	if findings > 0 {
		fmt.Fprintf(os.Stderr, "go: %d unacknowledged AwsSolutions finding(s)\n", findings)
		os.Exit(1)
	}
}
