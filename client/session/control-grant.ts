/**
 * Whether the lead may click and type in the customer's page: asked once at a
 * time, answered on the lead's channel, and every change told to the host
 * (the element's indicator) and, when announced, to the lead and the audit.
 */
import type { CobrowseChannel } from '../../shared/channel.js';
import type { PeerEvent } from '../../shared/protocol.js';
import type { SessionHost } from '../session-api.js';

export interface ControlGrantDeps {
  host: SessionHost;
  /** The lead's channel: where control answers go. */
  leadChannel: () => CobrowseChannel | null;
  audit: (event: PeerEvent) => void;
  /** The customer allowed control (their answer to our own prompt). */
  onGranted: () => void;
  ended: () => boolean;
}

export class ControlGrant {
  readonly #deps: ControlGrantDeps;
  #granted = false;
  #pending = false;

  constructor(deps: ControlGrantDeps) {
    this.#deps = deps;
  }

  get granted(): boolean {
    return this.#granted;
  }

  /** Control was granted on the previous page of the tab and not revoked: it carries over. */
  carryOver(): void {
    this.#granted = true;
    this.#deps.host.onControl(true);
  }

  /** The lead asks: the customer's prompt, unless asked already (granted: the lead is told again). */
  async ask(): Promise<void> {
    if (this.#granted || this.#pending) {
      if (this.#granted) this.#deps.leadChannel()?.send({ t: 'control-grant' });
      return;
    }
    this.#pending = true;
    const granted = await this.#deps.host.requestControl();
    this.#pending = false;
    if (this.#deps.ended()) return;
    if (granted) this.set(true, true);
    else {
      this.#deps.leadChannel()?.send({ t: 'control-deny' });
      this.#deps.audit({ kind: 'control-denied' });
    }
  }

  /** Ends control if granted; `announce` tells the lead and the audit log. */
  revoke(announce: boolean): void {
    if (this.#granted) this.set(false, announce);
  }

  /** The session ended: nothing is told. */
  clear(): void {
    this.#granted = false;
  }

  /** The one place control changes; `announce` tells the lead and the audit log. */
  set(granted: boolean, announce: boolean): void {
    this.#granted = granted;
    if (granted) this.#deps.onGranted();
    this.#deps.host.onControl(granted);
    if (!announce) return;
    this.#deps.leadChannel()?.send({ t: granted ? 'control-grant' : 'control-revoke' });
    this.#deps.audit({ kind: granted ? 'control-granted' : 'control-revoked' });
  }
}
