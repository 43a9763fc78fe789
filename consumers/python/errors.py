"""Our validation errors reach a Python user as a Python exception that names the prop."""
from aws_cdk import App, Environment, Stack, aws_ecs as ecs
from cdk_three_tier import ThreeTierApp, ThreeTierServiceDefinition

app = App()
stack = Stack(app, "System", env=Environment(account="123456789012", region="us-east-1"))
try:
    ThreeTierApp(stack, "Shop", services=[ThreeTierServiceDefinition(
        id="", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"))])
except Exception as error:  # jsii raises RuntimeError carrying the library's message
    message = str(error)
    assert 'System/Shop/App: service id "" is invalid' in message, message
    print(f"python: {type(error).__name__}: {message.splitlines()[0]}")
else:
    raise SystemExit("python: an empty service id was accepted")
