import { AppServiceDefaults } from './app-tier';
import { DataTierDefaults } from './data/binding';
import { DEVELOPMENT, PRODUCTION } from './defaults';
import { NatMode } from './network';

/**
 * A set of defaults that trades cost against resilience. Every value can still be overridden by
 * the matching `ThreeTierApp` prop or service/database option.
 */
export abstract class CostProfile {
  /**
   * Cheap when idle: 2 AZs, one NAT instance, Aurora 0-4 ACUs pausing after 5 idle minutes, no
   * readers, 7 days of backups, no deletion protection, 1-4 tasks of 0.25 vCPU / 512 MiB (for a
   * service that sets neither size) on Fargate Spot after the first, log groups encrypted with
   * CloudWatch Logs' service keys.
   */
  public static development(): CostProfile {
    const d = DEVELOPMENT;
    return new Profile('development', NatMode.instance(), d.maxAzs, d.data, d.services, d.deletionProtection, d.logEncryption);
  }

  /**
   * Resilient: 3 AZs, a NAT gateway per AZ, Aurora 0.5-16 ACUs with one reader, 30 days of
   * backups, deletion protection, 2-10 tasks on on-demand Fargate, the system's log groups
   * encrypted with a KMS key it creates ($1 a month).
   */
  public static production(): CostProfile {
    const p = PRODUCTION;
    return new Profile('production', NatMode.gatewayPerAz(), p.maxAzs, p.data, p.services, p.deletionProtection, p.logEncryption);
  }

  /** `development` or `production`. */
  public abstract readonly name: string;
  /** NAT mode of a new VPC. */
  public abstract readonly natMode: NatMode;
  /** AZ count of a new VPC. */
  public abstract readonly maxAzs: number;
  /** Database defaults. */
  public abstract readonly data: DataTierDefaults;
  /** Service defaults. */
  public abstract readonly services: AppServiceDefaults;
  /** Deletion protection of the load balancer. */
  public abstract readonly deletionProtection: boolean;
  /**
   * Encrypt the system's log groups (services, Slack notifier, log archive delivery errors) with
   * a customer managed KMS key the system creates.
   */
  public abstract readonly logEncryption: boolean;
}

class Profile extends CostProfile {
  constructor(
    public readonly name: string,
    public readonly natMode: NatMode,
    public readonly maxAzs: number,
    public readonly data: DataTierDefaults,
    public readonly services: AppServiceDefaults,
    public readonly deletionProtection: boolean,
    public readonly logEncryption: boolean,
  ) { super(); }
}
