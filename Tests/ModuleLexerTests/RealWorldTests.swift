import ModuleLexer
import Testing

/// Samples shaped like files the import-map generator actually traces.
@Suite("Real-world style samples")
struct RealWorldTests {
    @Test func minifiedReactLikeBundle() throws {
        let source = #"""
            /**
             * @license React
             * react.production.min.js
             */
            import{r as e,c as t}from"./_/react-dom.mjs";import*as n from"react";export{default}from"./jsx-runtime.mjs";var o=Object.create,a=/[&<>"']/g,i=e=>e.replace(a,(e=>({"&":"&amp;","<":"&lt;"}[e]))),u=function(e){return e/2/o.length},l=n.createContext(null),s=`react@${n.version}/import("no")`;function c(e,t){if(e)return/\/*import\("x"\)/.test(t);for(let r=0;r<t;r++)e+=r/t;return e}const f=async()=>(await import("./lazy-chunk.mjs")).default,p=()=>import(`./locale/${navigator.language}.mjs`);export{l as Ctx,u as half,c as check,f as lazy};export default i;
            //# sourceMappingURL=react.mjs.map
            """#
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [
            .s("./_/react-dom.mjs"), .s("react"), .x("./jsx-runtime.mjs"), .d("./lazy-chunk.mjs"), .d(nil),
        ])
        #expect(summary.exports == ["default", "Ctx", "half", "check", "lazy", "default"])
        #expect(summary.staticSpecifiers == ["./_/react-dom.mjs", "react", "./jsx-runtime.mjs"])
        #expect(summary.dynamicSpecifiers == ["./lazy-chunk.mjs"])
        #expect(summary.hasModuleSyntax)
    }

    @Test func typeScriptEmittedModule() throws {
        let source = """
            var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
                function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
                return new (P || (P = Promise))(function (resolve, reject) {
                    function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
                    function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
                    step((generator = generator.apply(thisArg, _arguments || [])).next());
                });
            };
            import { readFile } from "node:fs/promises";
            import * as path from "path";
            import defaultExport, { helper as h } from "./helper.js";
            import "./polyfills.js";
            export { Loader as default } from "./loader.js";
            export * from "./types.js";
            export const VERSION = "1.2.3";
            export class Registry {
                constructor() {
                    this.ratio = 4 / 3 / 2;
                    this.pattern = /^@[a-z0-9-~][a-z0-9-._~]*\\/[a-z0-9-._~]+$/;
                }
                load(name) {
                    return __awaiter(this, void 0, void 0, function* () {
                        const file = yield readFile(path.join(h(), name), "utf8");
                        const mod = yield import("./plugins/" + name + ".js");
                        return { file, mod, meta: import.meta.url };
                    });
                }
            }
            export function isScoped(name) {
                return name.startsWith("@") && name.split("/").length / 2 === 1;
            }
            //# sourceMappingURL=index.js.map
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [
            .s("node:fs/promises"), .s("path"), .s("./helper.js"), .s("./polyfills.js"),
            .x("./loader.js"), .x("./types.js"), .d(nil), .m,
        ])
        #expect(summary.exports == ["default", "VERSION", "Registry", "isScoped"])
    }

    @Test func esmShStyleEntry() throws {
        let source = """
            /* esm.sh - react@18.2.0 */
            export * from "/v135/react@18.2.0/es2022/react.mjs";
            export { default } from "/v135/react@18.2.0/es2022/react.mjs";
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.x("/v135/react@18.2.0/es2022/react.mjs"), .x("/v135/react@18.2.0/es2022/react.mjs")])
        #expect(summary.staticSpecifiers == ["/v135/react@18.2.0/es2022/react.mjs"])
        #expect(summary.exports == ["default"])
        for record in summary.imports {
            #expect(slice(source, record.range) == "/v135/react@18.2.0/es2022/react.mjs")
        }
        #expect(slice(source, summary.imports[0].statementRange) == #"export * from "/v135/react@18.2.0/es2022/react.mjs""#)
    }

    @Test func esmShBuildFile() throws {
        let source = #"""
            /* esm.sh - esbuild bundle(react-dom@18.2.0/client) es2022 production */
            import*as __0$ from"/v135/react@18.2.0/es2022/react.mjs";import*as __1$ from"/v135/scheduler@0.23.0/es2022/scheduler.mjs";var require=n=>{const e=m=>typeof m.default<"u"?m.default:m,c=m=>Object.assign({},m);switch(n){case"react":return e(__0$);case"scheduler":return e(__1$);default:throw new Error("module \""+n+"\" not found")}};var Zc=Object.create;var Et=(e,t)=>()=>(t||e((t={exports:{}}).exports,t),t.exports);var x=/[\s"]/g.test(n)?n/2:n;export{Et as createRoot,Zc as default};
            """#
        let summary = try ModuleLexer.parse(source)
        #expect(summary.staticSpecifiers == ["/v135/react@18.2.0/es2022/react.mjs", "/v135/scheduler@0.23.0/es2022/scheduler.mjs"])
        #expect(summary.exports == ["createRoot", "default"])
    }

    @Test func jspmStyleFile() throws {
        let source = """
            import "/npm:react@18.2.0/index.js";
            import * as _react from "/npm:react@18.2.0/index.js";
            import { s as scheduler } from "/npm:scheduler@0.23.0/_/a1b2c3.js";
            var _reactDefault = "default" in _react ? _react.default : _react;
            var exports = {}, _dewExec = false;
            function dew() { if (_dewExec) return exports; _dewExec = true; return exports; }
            const _ = dew();
            export { _ as default };
            export const createRoot = _.createRoot, hydrateRoot = _.hydrateRoot;
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [
            .s("/npm:react@18.2.0/index.js"), .s("/npm:react@18.2.0/index.js"), .s("/npm:scheduler@0.23.0/_/a1b2c3.js"),
        ])
        #expect(summary.staticSpecifiers == ["/npm:react@18.2.0/index.js", "/npm:scheduler@0.23.0/_/a1b2c3.js"])
        // As in es-module-lexer, `hydrateRoot` after an initializer is not collected.
        #expect(summary.exports == ["default", "createRoot"])
        #expect(slice(source, summary.imports[0].statementRange) == #"import "/npm:react@18.2.0/index.js""#)
    }

    @Test func commonJSFileHasNoModuleSyntax() throws {
        let source = """
            'use strict';
            const path = require('path');
            module.exports = function load(name) { return import(path.join(__dirname, name)); };
            exports.version = '1.0.0' / 1;
            """
        let summary = try ModuleLexer.parse(source)
        #expect(!summary.hasModuleSyntax)
        #expect(deps(summary) == [.d(nil)])
    }
}
