#!/usr/bin/env node
// Generates ../SemverCorpus.swift from npm's bundled node-semver (the oracle).
// Run: node Tests/SemverTests/Fixtures/generate.js [path/to/semver]
// The Swift tests only read the generated file; they never run node.
'use strict'
const path = require('path')
const fs = require('fs')
const semverPath = process.argv[2] || '/usr/lib/node_modules/npm/node_modules/semver'
const semver = require(semverPath)
const semverVersion = require(path.join(semverPath, 'package.json')).version

// Deterministic PRNG (mulberry32) so regeneration is stable.
let seed = 0x5eed
const rand = () => {
  seed |= 0; seed = (seed + 0x6D2B79F5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (a) => a[Math.floor(rand() * a.length)]

const ops = ['', '=', '<', '<=', '>', '>=', '^', '~', '~>']
const partials = [
  '*', 'x', 'X', '', '0', '1', '2', '0.0', '0.1', '1.2', '1.x', '1.2.x', '1.x.x', '1.*', '0.x',
  '0.0.x', '0.0.0', '0.0.1', '0.0.3', '0.1.0', '0.1.2', '1.0.0', '1.2.3', '2.0.0', '1.2.3-beta.2',
  '0.0.1-alpha', '0.1.2-rc.1', '1.2.3-alpha', '2.0.0-0', '1.2.3+build.5', '1.2.3-beta+b',
  'v1.2.3', '=1.2.3', '1.2.x-pre', '01.2.3', '1.2.3.4', '1.2.3-', 'a.b.c',
]
const versions = [
  '0.0.0', '0.0.1', '0.0.1-alpha', '0.0.1-beta', '0.0.2', '0.0.2-0', '0.0.3', '0.1.0', '0.1.0-rc.1',
  '0.1.2', '0.1.2-rc.1', '0.1.3', '0.2.0', '0.2.0-0', '1.0.0', '1.0.0-0', '1.0.0-alpha',
  '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.1', '1.1.0', '1.2.0', '1.2.0-beta', '1.2.2', '1.2.3',
  '1.2.3-alpha', '1.2.3-beta.1', '1.2.3-beta.2', '1.2.3-beta.11', '1.2.4', '1.2.4-alpha', '1.3.0',
  '1.3.0-0', '1.9.9', '2.0.0', '2.0.0-0', '2.0.0-rc.1', '2.0.1', '2.1.0', '3.0.0', '3.0.0-alpha',
  '10.0.0', '1.2.3+build.1', '2.0.0+exp.sha.5114f85',
]

const ranges = new Set()
for (const op of ops) for (const p of partials) ranges.add(op + p)
for (const op of ['>=', '<', '^', '~']) for (const p of ['1.2.3', '1.2', '1']) ranges.add(op + ' ' + p)
const handwritten = [
  '1.2.3 - 2.3.4', '1.2 - 2.3.4', '1.2.3 - 2.3', '1.2.3 - 2', '1 - 2', '1.2.3-pre - 2.3.4-pre',
  '1.x - 2.x', '* - 2', '1.2.3 - *', '1.2.3 -2.3.4', '1.2.3- 2.3.4', '  1.2.3   -   2.3.4  ',
  '>=1.0.0 <2.0.0', '>=1.0.0 <2.0.0 || >=3.0.0', '1.x || >=2.5.0 || 5.0.0 - 7.2.3', '^1.2 || ^2',
  '~1.2.1 >=1.2.3', '>1.2.3-alpha <1.2.4', '>=1.2.3-beta.1 <1.2.4', '<2.0.0-rc.1', '>=0.0.0',
  '>=0.0.0-0', '>= 1.2.3', '> 1.2.3 < 1.2.5', '<    1.2.3', '~ 1.2.3', '^ 1.2.3', '~> 1.2.3',
  '~>1.2', '>*', '<*', '>=*', '<=*', '>x', '* || 1.2.3', '<0.0.0-0 || 1.x', '<0.0.0-0',
  '>1 <1', '1.2.3 1.2.3', '1.2.3 || 1.2.3', '||', '1.2.3 ||', '|| 1.2.3', '1.2.3 | 1.2.4',
  'latest', 'next', 'beta', 'foo bar', '>>1.2.3', '=>1.2.3', '>=1.2.3 foo', '~1.2.3 ^1.2.5',
  '^0.0.1-beta', '^0.1.2-beta || ~0.0.3', '>=1.2.3-beta.2 <2.0.0-0', 'v1.2.x', '=v1.2.3',
  '>=v1.2.3', '1.2.3\t-\t2.3.4', '\t^1.2.3\n', '>=1.2.3 <=1.2.3', '>1.2.3 <1.2.3', '^1.2.3 >1.5',
  '2.x.x', '1.2.*', '*.*.*', 'x.x', '1.*.2', '1.2.3 - 1.2.3', '9007199254740991.0.0',
  '9007199254740992.0.0', '^9007199254740991.0.0', '~1.9007199254740991', '00.1.2', '1.2.03',
  '^1.2.3+build', '~1.2.3-beta.2+build', '>=1.2.3-rc.1 || <1.0.0', '1.2.3-beta.2 - 1.2.3',
]
for (const r of handwritten) ranges.add(r)
// Random compounds of two comparators and random ORs.
const simple = []
for (const op of ops) for (const p of partials.slice(0, 33)) simple.push(op + p)
for (let i = 0; i < 60; i++) ranges.add(pick(simple) + ' ' + pick(simple))
for (let i = 0; i < 40; i++) ranges.add(pick(simple) + ' || ' + pick(simple))
for (let i = 0; i < 20; i++) ranges.add(pick(partials.slice(4, 31)) + ' - ' + pick(partials.slice(4, 31)))

const tryRange = (r, opts) => { try { return new semver.Range(r, opts).range } catch (e) { return null } }

const rangeRows = []
const satRows = []
const maxRows = []
for (const r of ranges) {
  const norm = tryRange(r)
  const normPre = tryRange(r, { includePrerelease: true })
  rangeRows.push({ r, norm, normPre, valid: semver.validRange(r) })
  if (norm === null) continue
  maxRows.push({
    r,
    max: semver.maxSatisfying(versions, r),
    min: semver.minSatisfying(versions, r),
    maxPre: semver.maxSatisfying(versions, r, { includePrerelease: true }),
    minPre: semver.minSatisfying(versions, r, { includePrerelease: true }),
  })
  // A deterministic sample of the versions per range keeps the fixture small (~4k rows);
  // maxRows above still exercises every version against every range.
  const sample = versions.filter(() => rand() < 0.18)
  for (const v of sample) {
    satRows.push({ r, v, sat: semver.satisfies(v, r), satPre: semver.satisfies(v, r, { includePrerelease: true }) })
  }
}

const versionInputs = [
  ...versions, 'v1.2.3', '=1.2.3', ' 1.2.3 ', '  =v1.2.3  ', '==1.2.3', 'vv1.2.3', '= 1.2.3', 'v 1.2.3',
  '1.2', '1', '1.2.3.4', '01.2.3', '1.02.3', '1.2.03', '1.2.3-01', '1.2.3-0', '1.2.3-00a', '1.2.3-a.01',
  '1.2.3-', '1.2.3+', '1.2.3-a..b', '1.2.3+a..b', '1.2.3-a_b', '1.2.3-Ünicode', '1.2.3beta', '1.2.x',
  '1.2.3-x.7.z.92', '1.0.0-alpha+001', '1.0.0+20130313144700', '1.0.0-beta+exp.sha.5114f85',
  '9007199254740991.0.0', '9007199254740992.0.0', '1.2.3-9007199254740991', '1.2.3-9007199254740990',
  '1.2.3-99999999999999999999', '\t1.2.3\n', '1.2.3 ', 'v1.2.3-beta+b', '', 'x', 'latest',
  '1.2.3-' + 'a'.repeat(250), '1.2.3-' + 'a'.repeat(251), ' '.repeat(252) + '1.2.3',
]
const versionRows = versionInputs.map(s => ({ s, valid: semver.valid(s), clean: semver.clean(s) }))

const sorted = semver.sort(versions.slice())

const lines = (name, rows) => `"${name}":[\n${rows.map(r => JSON.stringify(r)).join(',\n')}\n]`
const json = '{' + [
  `"semverVersion":${JSON.stringify(semverVersion)}`,
  `"versions":${JSON.stringify(versions)}`,
  `"sorted":${JSON.stringify(sorted)}`,
  lines('versionRows', versionRows),
  lines('rangeRows', rangeRows),
  lines('satRows', satRows),
  lines('maxRows', maxRows),
].join(',\n') + '}'
JSON.parse(json)
if (json.includes('"""#')) throw new Error('delimiter clash')
const out = `// GENERATED by Fixtures/generate.js from node-semver ${semverVersion}. Do not edit.
// ${satRows.length} satisfies triples, ${rangeRows.length} ranges, ${versionRows.length} version strings.
enum SemverCorpus {
    static let json = #"""
${json}
"""#
}
`
fs.writeFileSync(path.join(__dirname, '..', 'SemverCorpus.swift'), out)
console.log(`wrote ${satRows.length} satisfies rows, ${rangeRows.length} ranges, ${versionRows.length} versions`)
