/* esm.sh - react@18.2.0 */
export * from "/stable/react@18.2.0/es2022/react.mjs";
export { default } from "/stable/react@18.2.0/es2022/react.mjs";
const lazy = () => import("/v135/scheduler@0.23.0/es2022/scheduler.mjs");
import.meta.url;
