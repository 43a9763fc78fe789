/** A Slack channel that AWS Chatbot posts to. */
export interface ChatbotSlackChannel {
  /** Slack workspace (team) id, from the Chatbot console after authorizing the workspace, e.g. `T0123ABCD`. */
  readonly workspaceId: string;
  /** Slack channel id, e.g. `C0123ABCD`. */
  readonly channelId: string;
  /**
   * Name of the Chatbot channel configuration (unique in the account).
   * @default - derived from the construct path
   */
  readonly configurationName?: string;
}
