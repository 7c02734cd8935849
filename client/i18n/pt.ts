import type { Catalog } from './catalog.js';
import { plural, warmPlurals } from './plural.js';

warmPlurals('pt');

const agentOr = (a: string) => a || 'O agente de suporte';

export const catalog: Catalog = {
  consentTitle: (a) => (a ? `${a}, do suporte, gostaria de ver esta página` : 'O suporte gostaria de ver esta página'),
  consentTab: (a) =>
    `${agentOr(a)} verá apenas esta aba do navegador, não as suas outras abas, aplicativos ou a área de trabalho.`,
  consentHidden:
    'Senhas, números de cartão e outros campos sensíveis são ocultados antes que qualquer coisa saia do seu navegador.',
  consentPoint: (a) => `${agentOr(a)} pode apontar e destacar, mas não pode clicar nem digitar sem a sua permissão.`,
  consentStop: 'Você pode parar de compartilhar a qualquer momento com um clique.',
  decline: 'Recusar',
  allow: 'Permitir',
  botTitle: 'Um assistente automático gostaria de ver esta página',
  botName: (a) => (a ? `${a} (assistente automático)` : 'O assistente automático'),
  allowPerson: 'Se eu pedir uma pessoa, ela pode assumir este compartilhamento sem me perguntar de novo',
  tookOver: (a) => `${a || 'Um agente'}, do suporte, assumiu no lugar do assistente automático`,
  controlTitle: (a) => `${agentOr(a)} pede para controlar esta página`,
  controlText:
    'Poderá clicar, digitar e rolar nesta aba. Campos de senha e de cartão continuam bloqueados. Você pode retomar o controle a qualquer momento.',
  deny: 'Negar',
  allowControl: 'Permitir o controle',
  supportButton: 'Compartilhar esta página com o suporte',
  supportCodeTitle: 'Seu código de suporte',
  supportCodeLabel: (digits) => `Código de suporte ${digits}`,
  supportCodeHelp: 'Leia este código para o agente. Ele não verá nada até que você permita aqui.',
  cancel: 'Cancelar',
  starting: 'Começando a compartilhar esta aba…',
  waiting: (a) => `Aguardando ${a || 'o agente'} se conectar…`,
  reconnecting: 'Conexão perdida, reconectando…',
  paused: (a) => `Pausado: ${a || 'o suporte'} não vê esta aba`,
  couldNotShare: (a, reason) => `Não foi possível compartilhar esta página com ${a || 'o suporte'}: ${reason}`,
  controlling: (a) => `${agentOr(a)} está controlando esta aba`,
  controlFailed: (a) => `${agentOr(a)} não conseguiu assumir o controle: o carregamento falhou`,
  sharingWith: (a) => `Compartilhando com ${a || 'o suporte'}`,
  takeBack: 'Retomar o controle',
  move: 'Mover o indicador (teclas de seta)',
  collapse: 'Minimizar',
  expand: 'Mostrar os controles de compartilhamento',
  hiddenFrom: (a) => `Oculto para ${a || 'o suporte'}`,
  showHidden: 'Mostrar o que está oculto',
  watching: 'Também estão vendo',
  viewerRole: (n, k) => `${n} (${k === 'supervisor' ? 'supervisor' : 'agente de suporte'})`,
  viewerJoined: (v) => `${v} agora está vendo esta aba`,
  removeViewer: (v) => `Remover ${v}`,
  hiddenCount: (n, a) =>
    plural('pt', n, {
      one: `{n} área está oculta para ${a || 'o suporte'}`,
      other: `{n} áreas estão ocultas para ${a || 'o suporte'}`,
    }),
  highlighted: (a, t) => `${a || 'O suporte'} destacou: ${t}`,
  pointingAt: (a, t) => `${a || 'O suporte'} está apontando para: ${t}`,
  pause: 'Pausar',
  resume: 'Retomar',
  end: 'Parar',
  region: 'Compartilhamento de tela',
  ended: {
    'customer-ended': 'Você parou de compartilhar esta página.',
    'agent-ended': 'O agente de suporte encerrou a sessão.',
    declined: 'Você recusou compartilhar esta página.',
    expired: 'A sessão expirou.',
    api: 'A sessão foi encerrada.',
    'left-site': 'O compartilhamento parou porque você saiu do site.',
    'peer-lost': 'A conexão com o agente de suporte foi perdida.',
    error: 'O compartilhamento parou por causa de um erro.',
  },
};
