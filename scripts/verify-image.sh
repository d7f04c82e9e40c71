#!/usr/bin/env bash
# Build the container image with no Docker engine and no image registry, then check that it
# serves. Run as root from anywhere:  bash scripts/verify-image.sh
#
#   1. a base image made here from Debian packages (debootstrap bookworm with python3),
#   2. `podman build` of the Dockerfile on that base (vfs storage, chroot isolation, host network),
#   3. the built image's filesystem started with chroot, as the image's non-root user, running the
#      image's own command with its own environment (containers cannot run here: cgroups refuse),
#   4. GET /api/health and POST /api/predict answered by it, with draws imported first.
#
# Environment: DRAWS (draw file to import; default ../shared/data/lotto645_draws.json beside the
# checkout), DEBIAN_MIRROR (default http://deb.debian.org/debian), WORK_DIR (default a new
# temporary folder, removed at the end unless KEEP=1), PORT (default a free port).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
draws=${DRAWS:-$repo/../shared/data/lotto645_draws.json}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
port=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
work=${WORK_DIR:-$(mktemp -d -t jinlotto-image.XXXXXX)}
base_image=localhost/jinlotto-base:bookworm
image=localhost/jinlotto:verify
started=$SECONDS

step() { printf '[%4ds] %s\n' "$((SECONDS - started))" "$*"; }
fail() { printf 'verify-image: FAILED: %s\n' "$*" >&2; exit 1; }
pm() {
  podman --root "$work/storage" --runroot "$work/run" --storage-driver vfs \
    --cgroup-manager cgroupfs --events-backend file "$@"
}

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap, podman and chroot need it)"
[ -f "$draws" ] || fail "no draw file at $draws (set DRAWS=PATH)"
if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
  "$port" 2>/dev/null; then
  fail "something already listens on 127.0.0.1:$port (set PORT=...)"
fi

step "installing podman and debootstrap (apt)"
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman debootstrap >/dev/null
fi

server_pid=""
container=""
mnt=""
cleanup() {
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  if [ -n "$mnt" ]; then
    umount "$mnt/proc" 2>/dev/null
    umount "$mnt/dev" 2>/dev/null
  fi
  if [ -n "$container" ]; then
    pm umount "$container" >/dev/null 2>&1
    pm rm --force "$container" >/dev/null 2>&1
  fi
  if [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$work"
  else
    echo "kept $work"
  fi
}
trap cleanup EXIT
mkdir -p "$work"

step "building the base: debootstrap bookworm with python3 from $mirror"
rootfs=$work/rootfs
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log"; fail "debootstrap"; }
# The base trusts what this machine trusts (a TLS-inspecting proxy's CA, if any), so the build
# reaches PyPI from behind it.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
fi
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | pm import --quiet - "$base_image" >/dev/null
rm -rf "$rootfs"

step "building the image on it: podman build --build-arg BASE_IMAGE=$base_image"
pm build --quiet --pull=never --isolation chroot --network host \
  --build-arg "BASE_IMAGE=$base_image" -t "$image" "$repo" >"$work/build.log" 2>&1 \
  || { tail -n 30 "$work/build.log"; fail "podman build"; }
pm image exists "$image" || fail "podman build ended without the image"

step "starting the image's filesystem as its user"
container=$(pm create "$image")
mnt=$(pm mount "$container")
mount -t proc proc "$mnt/proc"
mount --bind /dev "$mnt/dev"
# The image's own user, working directory, environment and command, read from its config.
pm image inspect --format '{{json .Config}}' "$image" >"$work/config.json"
python3 - "$work/config.json" "$mnt/etc/passwd" "$work" <<'PY'
import json, shlex, sys
config = json.load(open(sys.argv[1]))
user = config.get("User") or "root"
entry = next(line.split(":") for line in open(sys.argv[2]) if line.split(":")[0] == user)
env = list(config.get("Env") or []) + [f"HOME={entry[5]}"]
with open(f"{sys.argv[3]}/run.env", "w") as out:
    out.write(f"user_spec={entry[2]}:{entry[3]}\n")
    out.write(f"user_name={shlex.quote(user)}\n")
    out.write(f"workdir={shlex.quote(config.get('WorkingDir') or '/')}\n")
    out.write(f"image_env=({' '.join(shlex.quote(item) for item in env)})\n")
    out.write(f"image_cmd=({' '.join(shlex.quote(item) for item in config['Cmd'])})\n")
PY
# shellcheck disable=SC1091
source "$work/run.env"
[ "${user_spec%%:*}" != 0 ] || fail "the image runs as root"
# exec: the caller's process becomes the server, so its pid is the server's.
in_image() {
  exec chroot --userspec="$user_spec" "$mnt" /usr/bin/env -i "${image_env[@]}" \
    HOST=127.0.0.1 PORT="$port" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@"
}
cp "$draws" "$mnt/tmp/draws.json"
chmod 644 "$mnt/tmp/draws.json"
(in_image jinlotto data import /tmp/draws.json)
in_image "${image_cmd[@]}" >"$work/server.log" 2>&1 &
server_pid=$!

step "checking /api/health and /api/predict on 127.0.0.1:$port"
python3 - "http://127.0.0.1:$port" "$server_pid" <<'PY' || { tail -n 30 "$work/server.log"; fail "the service did not answer as expected"; }
import json, os, sys, time, urllib.error, urllib.request

base, pid = sys.argv[1], int(sys.argv[2])

def call(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())

deadline = time.monotonic() + 120
while True:
    try:
        status, health = call("/api/health")
        break
    except (urllib.error.URLError, ConnectionError):
        if time.monotonic() > deadline or not os.path.exists(f"/proc/{pid}"):
            sys.exit("no answer from /api/health")
        time.sleep(0.5)
assert os.path.exists(f"/proc/{pid}"), "the server exited; someone else answered"
uid = next(line.split()[1] for line in open(f"/proc/{pid}/status") if line.startswith("Uid:"))
print(f"  server process {pid} runs as uid {uid}")
assert uid != "0", "the server runs as root"
print(f"  /api/health {status}: {json.dumps(health)}")
assert status == 200 and health["status"] == "ok" and health["draws"] > 0, health
status, predict = call("/api/predict", {"num_sets": 2})
print(f"  /api/predict {status}: sets {predict['sets']} ({predict['strategy']}, draw {predict['draw_no']})")
assert status == 200 and len(predict["sets"]) == 2, predict
for game in predict["sets"]:
    assert len(set(game)) == 6 and all(1 <= n <= 45 for n in game), game
PY

size=$(pm image inspect --format '{{.Size}}' "$image")
step "OK: image $image ($((size / 1024 / 1024)) MiB) built on Debian bookworm serves health and predict"
