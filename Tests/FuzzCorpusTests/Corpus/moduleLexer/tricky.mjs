const re = /import("x")/g; const t = `${import("./a.js")}`;
export { a as "string name" } from './b.js';
import json from "./c.json" with { type: "json" };
// import "/comment.js"
