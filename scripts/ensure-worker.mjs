#!/usr/bin/env node
// Make sure a mediasoup worker binary (mediasoup-worker) exists for the
// installed mediasoup version, and record where it is.
//
// Usage (from the repo root): node scripts/ensure-worker.mjs
// (paths are resolved from this file's location, so the cwd does not matter).
// Env: PARLEY_SKIP_PREBUILT=1 skips step 3; PARLEY_MEDIASOUP_DIR overrides the
// mediasoup package dir (default node_modules/mediasoup).
//
// WHY: mediasoup's postinstall needs GitHub (prebuilt binary) or PyPI + meson
// wraps (local build), none of which this project can rely on. Install
// mediasoup with MEDIASOUP_WORKER_BIN set (its postinstall then does nothing)
// and run this script; the app points mediasoup at the binary through
// .cache/mediasoup-worker/current.json (createWorker({ workerBin }) or the
// MEDIASOUP_WORKER_BIN env var).
//
// Order:
//   1. cached binary .cache/mediasoup-worker/<version>-<recipe hash8>/ -> "cache"
//   2. node_modules/mediasoup/worker/out/Release/mediasoup-worker (mediasoup's
//      own postinstall worked, e.g. on a connected machine)       -> "prebuilt"
//   3. mediasoup's prebuilt download from its GitHub releases, bounded
//      (skip with PARLEY_SKIP_PREBUILT=1)                          -> "prebuilt"
//   4. offline build: scripts/mediasoup-worker/build.sh           -> "built"
// Writes .cache/mediasoup-worker/current.json:
//   { path, version, source: "cache"|"prebuilt"|"built", buildSeconds? }
//
// Plain ESM, Node >= 22, no dependencies.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PKG_DIR = path.resolve(ROOT, process.env.PARLEY_MEDIASOUP_DIR || path.join('node_modules', 'mediasoup'));
const RECIPE_DIR = path.join(ROOT, 'scripts', 'mediasoup-worker');
const CACHE_ROOT = path.join(ROOT, '.cache', 'mediasoup-worker');
const BIN_NAME = 'mediasoup-worker';
const PREBUILT_TIMEOUT_MS = 60_000;
const LOCK_WAIT_MS = 30 * 60_000;

// Debian packages build.sh needs.
const APT_BUILD_DEPS = [
	'build-essential',
	'pkg-config',
	'meson',
	'ninja-build',
	'libuv1-dev',
	'libssl-dev',
	'libsrtp2-dev',
	'libflatbuffers-dev',
	'flatbuffers-compiler',
	'libabsl-dev',
];

function log(msg) {
	console.log(`[worker] ${msg}`);
}

// Thrown (not process.exit) so `finally` blocks release the lock.
class Fatal extends Error {}

function fail(msg) {
	throw new Fatal(msg);
}

// The recipe hash covers every file under scripts/mediasoup-worker/ (paths and
// contents), so changing a shim or build.sh gives a new cache entry.
function recipeHash() {
	const files = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile()) files.push(full);
		}
	};
	walk(RECIPE_DIR);
	files.sort();
	const hash = createHash('sha256');
	for (const file of files) {
		hash.update(path.relative(RECIPE_DIR, file).split(path.sep).join('/'));
		hash.update('\0');
		hash.update(fs.readFileSync(file));
		hash.update('\0');
	}
	return hash.digest('hex').slice(0, 8);
}

// A worker run without MEDIASOUP_VERSION exits with 41 on purpose (see
// worker/src/main.cpp; mediasoup's prebuilt check relies on it). Anything else
// (missing shared library, wrong arch...) means the binary is unusable here.
function workerRuns(bin) {
	try {
		fs.accessSync(bin, fs.constants.X_OK);
	} catch {
		return false;
	}
	const res = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
	return res.status === 41;
}

// Copy into place atomically (temp file in the same dir + rename).
function installBinary(src, dest) {
	fs.mkdirSync(path.dirname(dest), { recursive: true });
	const tmp = `${dest}.tmp-${process.pid}`;
	fs.copyFileSync(src, tmp);
	fs.chmodSync(tmp, 0o755);
	fs.renameSync(tmp, dest);
}

function writeCurrent(info) {
	fs.mkdirSync(CACHE_ROOT, { recursive: true });
	const file = path.join(CACHE_ROOT, 'current.json');
	const tmp = `${file}.tmp-${process.pid}`;
	fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
	fs.renameSync(tmp, file);
	log(`wrote ${path.relative(ROOT, file)} (source: ${info.source})`);
}

// --- lock ---------------------------------------------------------------------
// mkdir is atomic: whoever creates the dir owns the lock. The owner's pid is
// written inside so a lock left by a killed run can be taken over.
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return err.code === 'EPERM';
	}
}

async function acquireLock(lockDir, isDone) {
	const deadline = Date.now() + LOCK_WAIT_MS;
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			return true;
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
		}
		// Another run holds the lock. It may finish the job for us.
		if (isDone()) return false;
		let owner = NaN;
		try {
			owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
		} catch {
			// Owner has not written its pid yet (or just released): retry.
		}
		if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
			log(`removing stale lock of dead process ${owner}`);
			fs.rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (!announced) {
			log(`another run (pid ${owner || '?'}) is preparing the worker; waiting...`);
			announced = true;
		}
		if (Date.now() > deadline) fail(`timed out waiting for lock ${lockDir}`);
		await new Promise((resolve) => setTimeout(resolve, 2000));
	}
}

function releaseLock(lockDir) {
	fs.rmSync(lockDir, { recursive: true, force: true });
}

// --- step 3: mediasoup's prebuilt binary ------------------------------------
// WHY not run mediasoup's own script: node_modules/mediasoup/npm-scripts.mjs
// has no download-only task. Its `postinstall` calls downloadPrebuiltWorker()
// and, when that fails, always falls back to buildWorker() (pip install invoke
// + meson wraps downloading sources), with no timeout on the fetch; the
// `worker:prebuild` task is the publishing side (it packs a tarball). So we
// fetch the same artifact the same way downloadPrebuiltWorker() does: same URL
// (MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL or the package's GitHub
// releases, tarball named by getWorkerPrebuildTarName()), same "exit code 41"
// validity check, but bounded in time, quiet, and without any fallback.
function prebuiltTarName(version) {
	let name = `mediasoup-worker-${version}-${os.platform()}-${os.arch()}`;
	if (os.platform() === 'linux') name += `-kernel${Number(os.release().split('.')[0])}`;
	return `${name}.tgz`;
}

function prebuiltUrl(pkg) {
	const repoUrl = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url ?? '';
	const base =
		process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
		`${repoUrl.replace(/^git\+/, '').replace(/\.git$/, '')}/releases/download`;
	return `${base}/${pkg.version}/${prebuiltTarName(pkg.version)}`;
}

// Minimal tar reader: returns the contents of the regular file named
// mediasoup-worker (any directory prefix), or null.
function extractWorkerFromTar(tar) {
	let offset = 0;
	let longName = null;
	while (offset + 512 <= tar.length) {
		const header = tar.subarray(offset, offset + 512);
		if (header.every((b) => b === 0)) break;
		const str = (start, len) => {
			const raw = header.subarray(start, start + len);
			const end = raw.indexOf(0);
			return raw.subarray(0, end === -1 ? len : end).toString('utf8');
		};
		const size = parseInt(str(124, 12).trim() || '0', 8);
		const type = str(156, 1) || '0';
		const prefix = str(345, 155);
		let name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
		longName = null;
		const dataStart = offset + 512;
		const data = tar.subarray(dataStart, dataStart + size);
		if (type === 'L') {
			longName = data.toString('utf8').replace(/\0.*$/s, '');
		} else if ((type === '0' || type === '7') && path.posix.basename(name) === BIN_NAME) {
			return Buffer.from(data);
		}
		offset = dataStart + Math.ceil(size / 512) * 512;
	}
	return null;
}

async function tryPrebuilt(pkg, dest) {
	const url = prebuiltUrl(pkg);
	log(`trying mediasoup prebuilt worker (max ${PREBUILT_TIMEOUT_MS / 1000} s): ${url}`);
	const started = Date.now();
	const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(PREBUILT_TIMEOUT_MS) });
		if (!res.ok) {
			log(`no prebuilt worker (HTTP ${res.status}) after ${elapsed()}`);
			return false;
		}
		const tgz = Buffer.from(await res.arrayBuffer());
		const bin = extractWorkerFromTar(gunzipSync(tgz));
		if (!bin) {
			log(`prebuilt tarball has no ${BIN_NAME}; ignoring it`);
			return false;
		}
		const tmp = `${dest}.download-${process.pid}`;
		fs.mkdirSync(path.dirname(dest), { recursive: true });
		fs.writeFileSync(tmp, bin, { mode: 0o755 });
		if (!workerRuns(tmp)) {
			fs.rmSync(tmp, { force: true });
			log('prebuilt worker does not run on this host; ignoring it');
			return false;
		}
		fs.renameSync(tmp, dest);
		log(`got prebuilt worker in ${elapsed()}`);
		return true;
	} catch (err) {
		const reason = err?.cause?.code ?? err?.cause?.message ?? err?.name ?? String(err);
		log(`prebuilt worker unavailable (${reason}) after ${elapsed()}`);
		return false;
	}
}

// --- step 4: offline build ------------------------------------------------------
function missingAptPackages() {
	const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...APT_BUILD_DEPS], {
		encoding: 'utf8',
	});
	if (dpkg.error) return null; // not a dpkg system
	const installed = new Set(
		dpkg.stdout
			.split('\n')
			.filter((line) => line.endsWith(' installed'))
			.map((line) => line.split(' ')[0]),
	);
	return APT_BUILD_DEPS.filter((p) => !installed.has(p));
}

function ensureBuildDeps() {
	const missing = missingAptPackages();
	if (missing === null) {
		log('dpkg not found: not checking Debian build packages (build.sh checks the tools it needs)');
		return;
	}
	if (missing.length === 0) return;
	const cmd = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
	if (typeof process.getuid === 'function' && process.getuid() === 0) {
		log(`installing missing build packages: ${missing.join(' ')}`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		let res = spawnSync('apt-get', cmd.split(' ').slice(1), { stdio: 'inherit', env });
		if (res.status !== 0) {
			log('apt-get install failed; running apt-get update and retrying once');
			spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
			res = spawnSync('apt-get', cmd.split(' ').slice(1), { stdio: 'inherit', env });
		}
		if (res.status !== 0) fail(`could not install build packages; run: ${cmd}`);
		return;
	}
	fail(`missing Debian build packages: ${missing.join(' ')}\n[worker] install them with:\n\n  sudo ${cmd}\n`);
}

// The build runs in its own process group (detached) so that, if we get
// SIGINT/SIGTERM, the whole group (bash, ninja, compilers) can be stopped
// before we release the lock (see main()).
let buildChild = null;

async function build(dest) {
	ensureBuildDeps();
	log(`building ${BIN_NAME} from ${path.relative(ROOT, PKG_DIR)}/worker (several minutes)...`);
	const started = Date.now();
	const status = await new Promise((resolve, reject) => {
		buildChild = spawn('bash', [path.join(RECIPE_DIR, 'build.sh'), PKG_DIR, dest], {
			stdio: 'inherit',
			detached: true,
		});
		buildChild.on('error', reject);
		buildChild.on('exit', (code, signal) => resolve(code ?? `signal ${signal}`));
	});
	buildChild = null;
	const seconds = Math.round((Date.now() - started) / 1000);
	if (status !== 0) fail(`worker build failed (${status}) after ${seconds} s (see output above)`);
	if (!workerRuns(dest)) fail(`built worker at ${dest} does not run`);
	log(`build took ${seconds} s`);
	return seconds;
}

// --- main -------------------------------------------------------------------
async function main() {
	const pkgFile = path.join(PKG_DIR, 'package.json');
	if (!fs.existsSync(pkgFile)) fail(`${path.relative(ROOT, pkgFile)} not found: run npm install first`);
	const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
	const version = pkg.version;
	const key = `${version}-${recipeHash()}`;
	const dir = path.join(CACHE_ROOT, key);
	const dest = path.join(dir, BIN_NAME);
	log(`mediasoup ${version}, cache key ${key}`);

	const done = (source, extra = {}) => {
		writeCurrent({ path: dest, version, source, ...extra });
		log(`worker ready: ${dest}`);
	};

	// 1. cache (re-checked to run: shared libraries may have been removed).
	if (workerRuns(dest)) return done('cache');

	fs.mkdirSync(CACHE_ROOT, { recursive: true });
	const lockDir = path.join(CACHE_ROOT, `.lock-${key}`);
	const owned = await acquireLock(lockDir, () => workerRuns(dest));
	if (!owned) return done('cache');
	const onSignal = (signal) => {
		if (buildChild?.pid) {
			try {
				process.kill(-buildChild.pid, 'SIGTERM');
			} catch {
				// Already gone.
			}
		}
		releaseLock(lockDir);
		process.exit(signal === 'SIGINT' ? 130 : 143);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		// Someone may have finished between our check and the lock.
		if (workerRuns(dest)) return done('cache');

		// 2. mediasoup's own binary from its postinstall.
		const ownBin = path.join(PKG_DIR, 'worker', 'out', 'Release', BIN_NAME);
		if (workerRuns(ownBin)) {
			log(`using mediasoup's own ${path.relative(ROOT, ownBin)}`);
			installBinary(ownBin, dest);
			return done('prebuilt');
		}

		// 3. prebuilt download.
		if (process.env.PARLEY_SKIP_PREBUILT === '1') {
			log('PARLEY_SKIP_PREBUILT=1: not trying the prebuilt download');
		} else if (await tryPrebuilt(pkg, dest)) {
			return done('prebuilt');
		}

		// 4. offline build.
		const buildSeconds = await build(dest);
		return done('built', { buildSeconds });
	} finally {
		releaseLock(lockDir);
	}
}

main().catch((err) => {
	console.error(`[worker] ERROR: ${err instanceof Fatal ? err.message : (err?.stack ?? String(err))}`);
	process.exitCode = 1;
});
