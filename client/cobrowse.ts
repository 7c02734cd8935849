export { CobrowseSession } from './cobrowse-session.js';
