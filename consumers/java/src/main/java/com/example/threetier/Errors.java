package com.example.threetier;

import java.util.List;

import io.github.cdkthreetier.ThreeTierApp;
import io.github.cdkthreetier.ThreeTierServiceDefinition;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecs.ContainerImage;

/** Our validation errors reach a Java user as a Java exception that names the prop. */
public final class Errors {
    private Errors() {
    }

    public static void main(final String[] args) {
        App app = new App();
        Stack stack = new Stack(app, "System", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("us-east-1").build()).build());
        try {
            ThreeTierApp.Builder.create(stack, "Shop")
                    .services(List.of(ThreeTierServiceDefinition.builder()
                            .id("")
                            .image(ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:1.27"))
                            .build()))
                    .build();
        } catch (RuntimeException error) { // jsii raises software.amazon.jsii.JsiiError
            String message = String.valueOf(error.getMessage());
            if (!message.contains("System/Shop/App: service id \"\" is invalid")) {
                throw new AssertionError("java: unexpected message: " + message, error);
            }
            System.out.println("java: " + error.getClass().getName() + ": " + message.lines().findFirst().orElse(""));
            System.exit(0); // the jsii runtime's node process would otherwise keep the JVM up
        }
        throw new AssertionError("java: an empty service id was accepted");
    }
}
