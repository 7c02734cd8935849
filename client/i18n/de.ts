import type { Catalog } from './catalog.js';
import { plural, warmPlurals } from './plural.js';

warmPlurals('de');

const agentOr = (a: string) => a || 'Der Support-Mitarbeiter';

export const catalog: Catalog = {
  consentTitle: (a) => (a ? `${a} vom Support möchte diese Seite sehen` : 'Der Support möchte diese Seite sehen'),
  consentTab: (a) => `${agentOr(a)} sieht nur diesen Browser-Tab, nicht Ihre anderen Tabs, Apps oder Ihren Desktop.`,
  consentHidden:
    'Passwörter, Kartennummern und andere sensible Felder werden verborgen, bevor etwas Ihren Browser verlässt.',
  consentPoint: (a) => `${agentOr(a)} kann zeigen und hervorheben, aber ohne Ihre Erlaubnis weder klicken noch tippen.`,
  consentStop: 'Sie können das Teilen jederzeit mit einem Klick beenden.',
  decline: 'Ablehnen',
  allow: 'Teilen erlauben',
  botTitle: 'Ein automatischer Assistent möchte diese Seite sehen',
  botName: (a) => (a ? `${a} (automatischer Assistent)` : 'Der automatische Assistent'),
  allowPerson: 'Wenn ich nach einer Person frage, darf sie diese Freigabe ohne erneute Frage übernehmen',
  tookOver: (a) => `${a || 'Ein Mitarbeiter'} vom Support hat vom automatischen Assistenten übernommen`,
  controlTitle: (a) => `${agentOr(a)} bittet darum, diese Seite zu steuern`,
  controlText:
    'Dann kann auf diesem Tab geklickt, getippt und gescrollt werden. Passwort- und Kartenfelder bleiben gesperrt. Sie können die Steuerung jederzeit zurücknehmen.',
  deny: 'Ablehnen',
  allowControl: 'Steuerung erlauben',
  supportButton: 'Diese Seite mit dem Support teilen',
  supportCodeTitle: 'Ihr Support-Code',
  supportCodeLabel: (digits) => `Support-Code ${digits}`,
  supportCodeHelp: 'Lesen Sie diesen Code dem Support vor. Es ist nichts zu sehen, bis Sie es hier erlauben.',
  cancel: 'Abbrechen',
  starting: 'Teilen dieses Tabs beginnt…',
  waiting: (a) => `Warten auf ${a || 'den Support'}…`,
  reconnecting: 'Verbindung verloren, neuer Versuch…',
  paused: (a) => `Pausiert: ${a || 'der Support'} sieht diesen Tab nicht`,
  couldNotShare: (a, reason) => `Diese Seite konnte nicht mit ${a || 'dem Support'} geteilt werden: ${reason}`,
  controlling: (a) => `${agentOr(a)} steuert diesen Tab`,
  controlFailed: (a) => `${agentOr(a)} konnte die Steuerung nicht übernehmen: Laden fehlgeschlagen`,
  sharingWith: (a) => `Geteilt mit ${a || 'dem Support'}`,
  takeBack: 'Steuerung zurücknehmen',
  move: 'Anzeige verschieben (Pfeiltasten)',
  collapse: 'Minimieren',
  expand: 'Freigabe-Steuerung anzeigen',
  hiddenFrom: (a) => `Verborgen vor ${a || 'dem Support'}`,
  showHidden: 'Zeigen, was verborgen ist',
  watching: 'Sehen auch zu',
  viewerRole: (n, k) => `${n} (${k === 'supervisor' ? 'Supervisor' : 'Support-Mitarbeiter'})`,
  viewerJoined: (v) => `${v} sieht diesen Tab jetzt`,
  removeViewer: (v) => `${v} entfernen`,
  hiddenCount: (n, a) =>
    plural('de', n, {
      one: `{n} Bereich ist vor ${a || 'dem Support'} verborgen`,
      other: `{n} Bereiche sind vor ${a || 'dem Support'} verborgen`,
    }),
  highlighted: (a, t) => `${a || 'Der Support'} hat hervorgehoben: ${t}`,
  pointingAt: (a, t) => `${a || 'Der Support'} zeigt auf: ${t}`,
  pause: 'Pause',
  resume: 'Fortsetzen',
  end: 'Beenden',
  region: 'Bildschirmfreigabe',
  ended: {
    'customer-ended': 'Sie haben das Teilen dieser Seite beendet.',
    'agent-ended': 'Der Support hat die Sitzung beendet.',
    declined: 'Sie haben das Teilen dieser Seite abgelehnt.',
    expired: 'Die Sitzung ist abgelaufen.',
    api: 'Die Sitzung wurde beendet.',
    'left-site': 'Das Teilen wurde beendet, weil Sie die Website verlassen haben.',
    'peer-lost': 'Die Verbindung zum Support wurde unterbrochen.',
    error: 'Das Teilen wurde wegen eines Fehlers beendet.',
  },
};
