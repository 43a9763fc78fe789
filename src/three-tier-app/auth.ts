import { Duration, RemovalPolicy, aws_cognito as cognito } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledge } from '../private/nag';

/** Properties of a `UserAuth`. */
export interface UserAuthProps {
  /**
   * Let visitors sign up themselves (email verified by code).
   * @default true
   */
  readonly selfSignUp?: boolean;
  /**
   * Multi-factor authentication.
   * @default cognito.Mfa.REQUIRED (authenticator apps; no SMS cost)
   */
  readonly mfa?: cognito.Mfa;
  /**
   * Cognito threat protection (compromised credentials, adaptive authentication). It needs the
   * Plus feature plan, billed per monthly active user.
   * @default false
   */
  readonly threatProtection?: boolean;
  /**
   * Let the app client sign in with a user name and password sent to Cognito
   * (`USER_PASSWORD_AUTH`), as `aws cognito-idp initiate-auth` and test scripts do. The browser
   * app needs only SRP, which never sends the password.
   * @default false
   */
  readonly passwordAuth?: boolean;
  /**
   * What happens to the user pool when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Sign-up and login for the site: a Cognito user pool (email sign-in, strong passwords, MFA) and
 * an app client for a browser app (SRP, no client secret).
 */
export class UserAuth extends Construct {
  /** The user pool. */
  public readonly userPool: cognito.UserPool;
  /** The app client of the browser app. */
  public readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: UserAuthProps = {}) {
    super(scope, id);
    const mfa = props.mfa ?? cognito.Mfa.REQUIRED;
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: props.selfSignUp ?? true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa,
      mfaSecondFactor: mfa === cognito.Mfa.OFF ? undefined : { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      featurePlan: props.threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: props.threatProtection ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      // Protected unless the caller asked for the pool to be destroyed with the stack.
      deletionProtection: props.removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    if (!props.threatProtection) {
      acknowledge(this.userPool, [{
        id: 'AwsSolutions-COG8',
        reason: 'Threat protection needs the Plus plan (billed per active user); opt in with threatProtection: true.',
      }]);
    }
    this.userPoolClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: props.passwordAuth ?? false },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}
