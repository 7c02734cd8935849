import type { Catalog } from './catalog.js';
import { plural, warmPlurals } from './plural.js';

warmPlurals('en');

const agentOr = (agent: string) => agent || 'The support agent';

export const en: Catalog = {
  consentTitle: (a) => (a ? `${a} from support would like to see this page` : 'Support would like to see this page'),
  consentTab: (a) => `${agentOr(a)} will see this browser tab only, not your other tabs, apps or desktop.`,
  consentHidden: 'Passwords, card numbers and other sensitive fields are hidden before anything leaves your browser.',
  consentPoint: (a) => `${agentOr(a)} can point and highlight, but cannot click or type unless you allow it.`,
  consentStop: 'You can stop sharing at any time with one click.',
  decline: 'Decline',
  allow: 'Allow sharing',
  botTitle: 'An automated assistant would like to see this page',
  botName: (a) => (a ? `${a} (automated assistant)` : 'The automated assistant'),
  allowPerson: 'If I ask for a person, they may take over this sharing without asking me again',
  tookOver: (a) => `${a || 'A support agent'} from support took over from the automated assistant`,
  controlTitle: (a) => `${agentOr(a)} asks to control this page`,
  controlText:
    'They will be able to click, type and scroll on this tab. Password and card fields stay off-limits. You can take control back at any time.',
  deny: 'Deny',
  allowControl: 'Allow control',
  supportButton: 'Share this page with support',
  supportCodeTitle: 'Your support code',
  supportCodeLabel: (digits) => `Support code ${digits}`,
  supportCodeHelp: 'Read this code to the support agent. They will not see anything until you allow it here.',
  cancel: 'Cancel',
  starting: 'Starting to share this tab…',
  waiting: (a) => `Waiting for ${a || 'the agent'} to connect…`,
  reconnecting: 'Connection lost, reconnecting…',
  paused: (a) => `Sharing paused: ${a || 'support'} cannot see this tab`,
  couldNotShare: (a, reason) => `This page could not be shared with ${a || 'support'}: ${reason}`,
  controlling: (a) => `${agentOr(a)} is controlling this tab`,
  controlFailed: (a) => `${agentOr(a)} could not take control: it failed to load`,
  sharingWith: (a) => `Sharing this tab with ${a || 'support'}`,
  takeBack: 'Take back control',
  move: 'Move the sharing indicator (arrow keys)',
  collapse: 'Minimise',
  expand: 'Show sharing controls',
  hiddenFrom: (a) => `Hidden from ${a || 'support'}`,
  showHidden: 'Show what is hidden',
  watching: 'Also watching',
  viewerRole: (n, k) => `${n} (${k === 'supervisor' ? 'supervisor' : 'support agent'})`,
  viewerJoined: (v) => `${v} is now watching this tab`,
  removeViewer: (v) => `Remove ${v}`,
  hiddenCount: (n, a) =>
    plural('en', n, {
      one: `{n} area is hidden from ${a || 'support'}`,
      other: `{n} areas are hidden from ${a || 'support'}`,
    }),
  highlighted: (a, t) => `${a || 'Support'} highlighted: ${t}`,
  pointingAt: (a, t) => `${a || 'Support'} is pointing at: ${t}`,
  pause: 'Pause',
  resume: 'Resume',
  end: 'End sharing',
  region: 'Screen sharing',
  ended: {
    'customer-ended': 'You stopped sharing this page.',
    'agent-ended': 'The support agent ended the session.',
    declined: 'You declined to share this page.',
    expired: 'The co-browsing session timed out.',
    api: 'The co-browsing session was ended.',
    'left-site': 'Sharing stopped because you left the site.',
    'peer-lost': 'The connection to the support agent was lost.',
    error: 'Sharing stopped because of an error.',
  },
};
