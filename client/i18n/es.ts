import type { Catalog } from './catalog.js';
import { plural, warmPlurals } from './plural.js';

warmPlurals('es');

const agentOr = (a: string) => a || 'El agente de soporte';

export const catalog: Catalog = {
  consentTitle: (a) => (a ? `${a}, de soporte, quiere ver esta página` : 'Soporte quiere ver esta página'),
  consentTab: (a) =>
    `${agentOr(a)} verá solo esta pestaña del navegador, no tus otras pestañas, aplicaciones ni tu escritorio.`,
  consentHidden:
    'Las contraseñas, los números de tarjeta y otros campos sensibles se ocultan antes de que nada salga de tu navegador.',
  consentPoint: (a) =>
    `${agentOr(a)} puede señalar y resaltar, pero no puede hacer clic ni escribir si no lo permites.`,
  consentStop: 'Puedes dejar de compartir en cualquier momento con un clic.',
  decline: 'Rechazar',
  allow: 'Permitir',
  botTitle: 'Un asistente automático quiere ver esta página',
  botName: (a) => (a ? `${a} (asistente automático)` : 'El asistente automático'),
  allowPerson: 'Si pido hablar con una persona, puede continuar esta sesión sin volver a preguntarme',
  tookOver: (a) => `${a || 'Un agente'}, de soporte, ha tomado el relevo del asistente automático`,
  controlTitle: (a) => `${agentOr(a)} pide controlar esta página`,
  controlText:
    'Podrá hacer clic, escribir y desplazarse en esta pestaña. Los campos de contraseña y tarjeta siguen vedados. Puedes recuperar el control en cualquier momento.',
  deny: 'Denegar',
  allowControl: 'Permitir el control',
  supportButton: 'Compartir esta página con soporte',
  supportCodeTitle: 'Tu código de soporte',
  supportCodeLabel: (digits) => `Código de soporte ${digits}`,
  supportCodeHelp: 'Lee este código al agente. No verá nada hasta que lo permitas aquí.',
  cancel: 'Cancelar',
  starting: 'Empezando a compartir esta pestaña…',
  waiting: (a) => `Esperando a que ${a || 'el agente'} se conecte…`,
  reconnecting: 'Conexión perdida, reconectando…',
  paused: (a) => `Pausado: ${a || 'soporte'} no ve esta pestaña`,
  couldNotShare: (a, reason) => `No se pudo compartir esta página con ${a || 'soporte'}: ${reason}`,
  controlling: (a) => `${agentOr(a)} controla esta pestaña`,
  controlFailed: (a) => `${agentOr(a)} no pudo tomar el control: no se pudo cargar`,
  sharingWith: (a) => `Compartiendo con ${a || 'soporte'}`,
  takeBack: 'Recuperar el control',
  move: 'Mover el indicador (teclas de flecha)',
  collapse: 'Minimizar',
  expand: 'Mostrar los controles de uso compartido',
  hiddenFrom: (a) => `Oculto para ${a || 'soporte'}`,
  showHidden: 'Mostrar lo que está oculto',
  watching: 'También ven esta pestaña',
  viewerRole: (n, k) => `${n} (${k === 'supervisor' ? 'supervisor' : 'agente de soporte'})`,
  viewerJoined: (v) => `${v} ahora está viendo esta pestaña`,
  removeViewer: (v) => `Quitar a ${v}`,
  hiddenCount: (n, a) =>
    plural('es', n, {
      one: `{n} zona está oculta para ${a || 'soporte'}`,
      other: `{n} zonas están ocultas para ${a || 'soporte'}`,
    }),
  highlighted: (a, t) => `${a || 'Soporte'} ha resaltado: ${t}`,
  pointingAt: (a, t) => `${a || 'Soporte'} está señalando: ${t}`,
  pause: 'Pausar',
  resume: 'Reanudar',
  end: 'Dejar de compartir',
  region: 'Pantalla compartida',
  ended: {
    'customer-ended': 'Has dejado de compartir esta página.',
    'agent-ended': 'El agente de soporte terminó la sesión.',
    declined: 'Has rechazado compartir esta página.',
    expired: 'La sesión ha caducado.',
    api: 'La sesión ha terminado.',
    'left-site': 'Se dejó de compartir porque saliste del sitio.',
    'peer-lost': 'Se perdió la conexión con el agente de soporte.',
    error: 'Se dejó de compartir por un error.',
  },
};
