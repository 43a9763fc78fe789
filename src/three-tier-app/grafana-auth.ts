import { Annotations, aws_grafana as grafana } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid, literalString } from '../private/validate';

/** Options of `GrafanaAuthentication.saml()`. */
export interface GrafanaSamlOptions {
  /**
   * URL of the identity provider's SAML metadata. Give this or `idpMetadataXml`.
   * @default - the metadata is given as `idpMetadataXml`
   */
  readonly idpMetadataUrl?: string;
  /**
   * The identity provider's SAML metadata document. Give this or `idpMetadataUrl`.
   * @default - the metadata is read from `idpMetadataUrl`
   */
  readonly idpMetadataXml?: string;
  /**
   * Values of the role assertion that make a user a Grafana Admin.
   * @default - no SAML user is an Admin (a synth warning says so)
   */
  readonly adminRoleValues?: string[];
  /**
   * Values of the role assertion that make a user a Grafana Editor.
   * @default - no SAML user is an Editor
   */
  readonly editorRoleValues?: string[];
  /**
   * Assertion attribute holding the user's role.
   * @default 'role'
   */
  readonly roleAssertion?: string;
  /**
   * Assertion attribute holding the user's login.
   * @default - not mapped; Amazon Managed Grafana's default applies
   */
  readonly loginAssertion?: string;
  /**
   * Assertion attribute holding the user's email.
   * @default - not mapped; Amazon Managed Grafana's default applies
   */
  readonly emailAssertion?: string;
  /**
   * Assertion attribute holding the user's display name.
   * @default - not mapped; Amazon Managed Grafana's default applies
   */
  readonly nameAssertion?: string;
  /**
   * Assertion attribute holding the user's groups.
   * @default - not mapped
   */
  readonly groupsAssertion?: string;
  /**
   * Assertion attribute holding the user's organizations; needed for `allowedOrganizations`.
   * @default - not mapped
   */
  readonly orgAssertion?: string;
  /**
   * Only users of these organizations (values of `orgAssertion`) may sign in.
   * @default - users of every organization
   */
  readonly allowedOrganizations?: string[];
}

/** What a workspace's authentication renders to (internal). */
export interface BoundAuthentication {
  readonly providers: string[];
  readonly saml?: grafana.CfnWorkspace.SamlConfigurationProperty;
}

/** How users sign in to the workspace. */
export abstract class GrafanaAuthentication {
  /**
   * AWS IAM Identity Center (`AWS_SSO`). Identity Center must be enabled in the account (or its
   * organization) before the workspace is created, else creation fails with "SSO is not enabled
   * in any region". Users and groups are then assigned with `aws grafana update-permissions` or
   * in the console.
   */
  public static identityCenter(): GrafanaAuthentication {
    return new AuthenticationChoice((): BoundAuthentication => ({ providers: ['AWS_SSO'] }));
  }

  /** A SAML 2.0 identity provider, from its metadata (URL or XML) and the assertion attributes that carry roles. */
  public static saml(options: GrafanaSamlOptions): GrafanaAuthentication {
    return new AuthenticationChoice((scope) => bindSaml(scope, options));
  }

  /** @internal */
  public abstract _bind(scope: Construct): BoundAuthentication;
}

class AuthenticationChoice extends GrafanaAuthentication {
  constructor(private readonly binder: (scope: Construct) => BoundAuthentication) { super(); }
  public _bind(scope: Construct): BoundAuthentication { return this.binder(scope); }
}

function bindSaml(scope: Construct, o: GrafanaSamlOptions): BoundAuthentication {
  const path = scope.node.path;
  if ((o.idpMetadataUrl === undefined) === (o.idpMetadataXml === undefined)) {
    throw invalid(path, 'authentication.idpMetadata', o.idpMetadataUrl === undefined ? 'neither given' : 'both given',
      'SAML takes the identity provider\'s metadata once, as a URL or as an XML document',
      'Give exactly one of idpMetadataUrl and idpMetadataXml.');
  }
  const url = literalString(o.idpMetadataUrl);
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) {
    throw invalid(path, 'authentication.idpMetadataUrl', url, 'the metadata URL is an absolute http(s) URL',
      'Give the URL your identity provider publishes its SAML metadata at, e.g. https://idp.example.com/metadata.');
  }
  const xml = literalString(o.idpMetadataXml);
  if (xml !== undefined && !xml.trim().startsWith('<')) {
    throw invalid(path, 'authentication.idpMetadataXml', xml.slice(0, 40), 'the metadata is an XML document (an EntityDescriptor)',
      'Paste the metadata XML your identity provider exports, or give idpMetadataUrl instead.');
  }
  if (o.allowedOrganizations?.length && !o.orgAssertion) {
    throw invalid(path, 'authentication.allowedOrganizations', o.allowedOrganizations, 'organizations are read from the orgAssertion attribute',
      'Give orgAssertion too, e.g. \'org\'.');
  }
  if (!o.adminRoleValues?.length) {
    Annotations.of(scope).addWarningV2('cdk-three-tier:grafanaNoSamlAdmin',
      'No adminRoleValues: no SAML user is a Grafana Admin. Dashboards still import (the importer uses a service account), but nobody can administer the workspace from its UI.');
  }
  const attributes = {
    role: o.roleAssertion ?? 'role',
    login: o.loginAssertion,
    email: o.emailAssertion,
    name: o.nameAssertion,
    groups: o.groupsAssertion,
    org: o.orgAssertion,
  };
  return {
    providers: ['SAML'],
    saml: {
      idpMetadata: { url: o.idpMetadataUrl, xml: o.idpMetadataXml },
      assertionAttributes: attributes,
      roleValues: { admin: o.adminRoleValues, editor: o.editorRoleValues },
      allowedOrganizations: o.allowedOrganizations,
    },
  };
}
