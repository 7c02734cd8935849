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
  return {
    view: viewOf(state),
    lang,
    catalog,
    agentName: invite?.agentName ?? '',
    agentBot: invite?.agentBot === true,
    handover: state.kind === 'consent' && state.handover,
    tookOver: sharing?.tookOver === true,
    supportButton,
    supportCode: state.kind === 'support-code' ? state.code : '',
    message: state.kind === 'ended' || state.kind === 'error' ? state.message : '',
    paused: sharing?.paused === true,
    controlGranted: sharing?.controlGranted === true,
    captureProblem: sharing?.captureProblem ?? '',
    hiddenCount: sharing?.hiddenCount ?? 0,
    viewers: sharing?.viewers ?? [],
    joined: sharing?.joined ?? [],
    leadName: sharing?.lead ?? '',
    corner: CORNERS.find((corner) => corner === indicatorCorner) ?? null,
  };
}
