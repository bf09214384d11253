// CSS imports are bundled by Vite; the compiler only needs to know they exist.
declare module '*.css';
