import type { Catalog } from './catalog.js';
import { plural, warmPlurals } from './plural.js';

warmPlurals('ja');

const agentOr = (a: string) => (a ? `${a}さん` : 'サポート担当者');

export const catalog: Catalog = {
  consentTitle: (a) =>
    a ? `サポートの${a}さんがこのページの閲覧を求めています` : 'サポートがこのページの閲覧を求めています',
  consentTab: (a) => `${agentOr(a)}に見えるのはこのブラウザタブだけです。他のタブ、アプリ、デスクトップは見えません。`,
  consentHidden: 'パスワード、カード番号などの機密項目は、ブラウザから送信される前に隠されます。',
  consentPoint: (a) =>
    `${agentOr(a)}は指し示したり強調表示したりできますが、あなたが許可しない限りクリックや入力はできません。`,
  consentStop: 'ワンクリックでいつでも共有を停止できます。',
  decline: '拒否',
  allow: '共有を許可',
  botTitle: '自動アシスタントがこのページを見ることを求めています',
  botName: (a) => (a ? `${a}（自動アシスタント）` : '自動アシスタント'),
  allowPerson: '担当者を希望した場合、再確認なしで担当者がこの共有を引き継ぐことを許可する',
  tookOver: (a) => `サポートの${a ? `${a}さん` : '担当者'}が自動アシスタントから引き継ぎました`,
  controlTitle: (a) => `${agentOr(a)}がこのページの操作を求めています`,
  controlText:
    'このタブでクリック、入力、スクロールができるようになります。パスワードとカードの項目は操作できません。いつでも操作を取り戻せます。',
  deny: '拒否',
  allowControl: '操作を許可',
  supportButton: 'このページをサポートと共有',
  supportCodeTitle: 'サポートコード',
  supportCodeLabel: (digits) => `サポートコード ${digits}`,
  supportCodeHelp: 'このコードを担当者に伝えてください。ここで許可するまで何も見えません。',
  cancel: 'キャンセル',
  starting: 'このタブの共有を開始しています…',
  waiting: (a) => `${a ? `${a}さん` : '担当者'}の接続を待っています…`,
  reconnecting: '接続が切れました。再接続しています…',
  paused: (a) => `一時停止中：${a ? `${a}さん` : 'サポート'}にはこのタブが見えません`,
  couldNotShare: (a, reason) => `このページを${a ? `${a}さん` : 'サポート'}と共有できませんでした：${reason}`,
  controlling: (a) => `${agentOr(a)}がこのタブを操作しています`,
  controlFailed: (a) => `${agentOr(a)}は操作を開始できませんでした（読み込みに失敗しました）`,
  sharingWith: (a) => `${a ? `${a}さん` : 'サポート'}と共有中`,
  takeBack: '操作を取り戻す',
  move: '共有インジケーターを移動（矢印キー）',
  collapse: '最小化',
  expand: '共有の操作を表示',
  hiddenFrom: (a) => `${a ? `${a}さん` : 'サポート'}には非表示`,
  showHidden: '非表示の部分を表示',
  watching: '一緒に見ている人',
  viewerRole: (n, k) => `${n}（${k === 'supervisor' ? 'スーパーバイザー' : 'サポート担当者'}）`,
  viewerJoined: (v) => `${v}がこのタブを見ています`,
  removeViewer: (v) => `${v}を外す`,
  hiddenCount: (n, a) => plural('ja', n, { other: `{n}か所が${a ? `${a}さん` : 'サポート'}には非表示です` }),
  highlighted: (a, t) => `${a ? `${a}さん` : 'サポート'}が強調表示しました: ${t}`,
  pointingAt: (a, t) => `${a ? `${a}さん` : 'サポート'}が指しています: ${t}`,
  pause: '一時停止',
  resume: '再開',
  end: '共有を終了',
  region: '画面共有',
  ended: {
    'customer-ended': 'このページの共有を停止しました。',
    'agent-ended': 'サポート担当者がセッションを終了しました。',
    declined: 'このページの共有を拒否しました。',
    expired: 'セッションの有効期限が切れました。',
    api: 'セッションは終了しました。',
    'left-site': 'サイトを離れたため共有を停止しました。',
    'peer-lost': 'サポート担当者との接続が切れました。',
    error: 'エラーのため共有を停止しました。',
  },
};
