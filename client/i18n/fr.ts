import type { Catalog } from './catalog.js';
import { plural, warmPlurals } from './plural.js';

warmPlurals('fr');

const agentOr = (a: string) => a || 'L’agent du support';

export const catalog: Catalog = {
  consentTitle: (a) => (a ? `${a}, du support, souhaite voir cette page` : 'Le support souhaite voir cette page'),
  consentTab: (a) => `${agentOr(a)} verra uniquement cet onglet, pas vos autres onglets, applications ni votre bureau.`,
  consentHidden:
    'Les mots de passe, numéros de carte et autres champs sensibles sont masqués avant que quoi que ce soit ne quitte votre navigateur.',
  consentPoint: (a) => `${agentOr(a)} peut pointer et surligner, mais ne peut ni cliquer ni saisir sans votre accord.`,
  consentStop: 'Vous pouvez arrêter le partage à tout moment, en un clic.',
  decline: 'Refuser',
  allow: 'Autoriser',
  botTitle: 'Un assistant automatique souhaite voir cette page',
  botName: (a) => (a ? `${a} (assistant automatique)` : 'L’assistant automatique'),
  allowPerson: 'Si je demande une personne, elle peut reprendre ce partage sans me redemander',
  tookOver: (a) => `${a || 'Un agent'}, du support, a pris le relais de l’assistant automatique`,
  controlTitle: (a) => `${agentOr(a)} demande à prendre le contrôle de cette page`,
  controlText:
    'Il pourra cliquer, saisir et faire défiler cet onglet. Les champs de mot de passe et de carte restent inaccessibles. Vous pouvez reprendre la main à tout moment.',
  deny: 'Refuser',
  allowControl: 'Autoriser le contrôle',
  supportButton: 'Partager cette page avec le support',
  supportCodeTitle: 'Votre code d’assistance',
  supportCodeLabel: (digits) => `Code d’assistance ${digits}`,
  supportCodeHelp: 'Lisez ce code à l’agent. Il ne verra rien tant que vous ne l’aurez pas autorisé ici.',
  cancel: 'Annuler',
  starting: 'Début du partage de cet onglet…',
  waiting: (a) => `En attente de la connexion de ${a || 'l’agent'}…`,
  reconnecting: 'Connexion perdue, reconnexion…',
  paused: (a) => `En pause : ${a || 'le support'} ne voit pas cet onglet`,
  couldNotShare: (a, reason) => `Cette page n’a pas pu être partagée avec ${a || 'le support'} : ${reason}`,
  controlling: (a) => `${agentOr(a)} contrôle cet onglet`,
  controlFailed: (a) => `${agentOr(a)} n’a pas pu prendre le contrôle : le chargement a échoué`,
  sharingWith: (a) => `Partagé avec ${a || 'le support'}`,
  takeBack: 'Reprendre la main',
  move: 'Déplacer l’indicateur (touches fléchées)',
  collapse: 'Réduire',
  expand: 'Afficher les commandes de partage',
  hiddenFrom: (a) => `Masqué pour ${a || 'le support'}`,
  showHidden: 'Montrer ce qui est masqué',
  watching: 'Regardent aussi',
  viewerRole: (n, k) => `${n} (${k === 'supervisor' ? 'superviseur' : 'agent du support'})`,
  viewerJoined: (v) => `${v} regarde maintenant cet onglet`,
  removeViewer: (v) => `Retirer ${v}`,
  hiddenCount: (n, a) =>
    plural('fr', n, {
      one: `{n} zone est masquée pour ${a || 'le support'}`,
      other: `{n} zones sont masquées pour ${a || 'le support'}`,
    }),
  highlighted: (a, t) => `${a || 'Le support'} a mis en évidence : ${t}`,
  pointingAt: (a, t) => `${a || 'Le support'} montre : ${t}`,
  pause: 'Pause',
  resume: 'Reprendre',
  end: 'Arrêter',
  region: 'Partage d’écran',
  ended: {
    'customer-ended': 'Vous avez arrêté le partage de cette page.',
    'agent-ended': 'L’agent du support a mis fin à la session.',
    declined: 'Vous avez refusé de partager cette page.',
    expired: 'La session a expiré.',
    api: 'La session a pris fin.',
    'left-site': 'Le partage s’est arrêté car vous avez quitté le site.',
    'peer-lost': 'La connexion avec l’agent du support a été perdue.',
    error: 'Le partage s’est arrêté à cause d’une erreur.',
  },
};
