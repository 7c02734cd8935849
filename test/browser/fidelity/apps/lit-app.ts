/** A small app built with Lit from node_modules, served into the customer's page as a module. */
import { LitElement, css, html } from 'lit';

class TodoApp extends LitElement {
  static override styles = css`
    :host { display: block; width: 320px; padding: 8px; border: 1px solid #446; font: 14px sans-serif; }
    li.done { text-decoration: line-through; color: #888; }
    button { margin-left: 8px; }
  `;
  static override properties = { items: { state: true } };
  items: { text: string; done: boolean }[] = [
    { text: 'Write tests', done: true },
    { text: 'Mirror the page', done: false },
    { text: 'Compare pixels', done: false },
  ];

  override render() {
    return html`<h2>Todo (${this.items.filter((item) => !item.done).length} left)</h2>
      <ul>
        ${this.items.map((item, i) => html`<li class=${item.done ? 'done' : ''}>${item.text}<button @click=${() => this.#toggle(i)}>toggle</button></li>`)}
      </ul>
      <slot></slot>`;
  }

  #toggle(index: number): void {
    this.items = this.items.map((item, i) => (i === index ? { ...item, done: !item.done } : item));
  }
}
customElements.define('todo-app', TodoApp);
