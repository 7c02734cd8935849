/**
 * The view's model, derived from the element's state (customer-state.ts) in
 * the view module rather than in the loader, which every page carries.
 */
import { inviteOf, sharingOf, viewOf } from '../customer-state.js';
import type { CustomerViewModel, ElementView } from './view-model.js';

const CORNERS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'] as const;

export function modelOf({ state, lang, catalog, supportButton, indicatorCorner }: ElementView): CustomerViewModel {
  const sharing = sharingOf(state);
  const invite = inviteOf(state);
  const agentName = invite?.agentName ?? '';
  // The agent's console left while a viewer leads: the customer still shares, with that viewer.
  const viewerLeads =
    sharing?.phase === 'waiting-for-agent' &&
    sharing.lead !== agentName &&
    sharing.viewers.some((viewer) => viewer.name === sharing.lead);
  return {
    view: viewerLeads ? 'live' : viewOf(state),
    lang,
    catalog,
    agentName: viewerLeads ? sharing.lead : agentName,
    agentBot: !viewerLeads && invite?.agentBot === true,
    handover: state.kind === 'consent' && state.handover,
    tookOver: sharing?.tookOver === true,
    supportButton,
    supportCode: state.kind === 'support-code' ? state.code : '',
    message: state.kind === 'ended' || state.kind === 'error' ? state.message : '',
    paused: sharing?.paused === true,
    controlGranted: sharing?.controlGranted === true,
    controlFailed: sharing?.controlFailed === true,
    captureProblem: sharing?.captureProblem ?? '',
    hiddenCount: sharing?.hiddenCount ?? 0,
    viewers: sharing?.viewers ?? [],
    joined: sharing?.joined ?? [],
    leadName: sharing?.lead ?? '',
    corner: CORNERS.find((corner) => corner === indicatorCorner) ?? null,
  };
}
