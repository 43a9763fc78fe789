// Our validation errors reach a Go user as a Go panic whose value names the prop.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-three-tier/cdk-three-tier-go/cdkthreetier"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("System"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
	defer func() {
		recovered := recover()
		if recovered == nil {
			fmt.Println("go: an empty service id was accepted")
			os.Exit(1)
		}
		message := fmt.Sprint(recovered)
		if !strings.Contains(message, `System/Shop/App: service id "" is invalid`) {
			fmt.Println("go: unexpected message:", message)
			os.Exit(1)
		}
		fmt.Printf("go: %T: %s\n", recovered, strings.SplitN(message, "\n", 2)[0])
	}()
	cdkthreetier.NewThreeTierApp(stack, jsii.String("Shop"), &cdkthreetier.ThreeTierAppProps{
		Services: &[]*cdkthreetier.ThreeTierServiceDefinition{{
			Id:    jsii.String(""),
			Image: awsecs.ContainerImage_FromRegistry(jsii.String("public.ecr.aws/nginx/nginx:1.27"), nil),
		}},
	})
}
