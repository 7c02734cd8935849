/**
 * The part of React 19's API the fidelity suite's React app uses. React ships
 * no types and @types/react is not installed here (no npm install this
 * session); these declarations follow React's documented signatures.
 */
declare module 'react' {
  export interface ReactElement {
    readonly type: unknown;
    readonly key: string | null;
  }
  export type ReactNode = ReactElement | string | number | boolean | null | undefined | readonly ReactNode[];
  export type Dispatch<A> = (action: A) => void;
  export function createElement<P extends object>(
    type: (props: P) => ReactNode,
    props: P & { key?: string | number },
    ...children: ReactNode[]
  ): ReactElement;
  export function createElement(
    type: string,
    props: Record<string, unknown> | null,
    ...children: ReactNode[]
  ): ReactElement;
  export function useReducer<S, A>(reducer: (state: S, action: A) => S, initialState: S): [S, Dispatch<A>];
  export function useState<S>(initialState: S): [S, Dispatch<S | ((previous: S) => S)>];
  export function useEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
  export function useLayoutEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
}

declare module 'react-dom' {
  import type { ReactElement, ReactNode } from 'react';
  export function createPortal(children: ReactNode, container: Element | DocumentFragment): ReactElement;
  export function flushSync<R>(fn: () => R): R;
}

declare module 'react-dom/client' {
  import type { ReactNode } from 'react';
  export interface Root {
    render(children: ReactNode): void;
    unmount(): void;
  }
  export function createRoot(container: Element | DocumentFragment): Root;
}
