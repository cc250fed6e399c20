// TanStack Query v5 options, query keys and mutations generated for every operation.
export * from './generated/@tanstack/react-query.gen.js';
