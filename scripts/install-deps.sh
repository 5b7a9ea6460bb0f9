#!/usr/bin/env bash
# Installs what the build and the tests need, when anything is missing: Debian packages
# (as root through apt-get; otherwise it prints the exact command and fails) and the PyPI
# packages the differential tests use as independent peers (scripts/requirements-test.txt).
set -euo pipefail

packages=(
  pkg-config
  libcurl4-openssl-dev   # CCurl: every outbound HTTP request
  libyaml-dev            # CYAML: YAML decode/encode
  libgpgme-dev gnupg     # CGPGME: SOPS PGP keys; tests generate keys with gpg
  libarchive-dev         # CArchive: artifact tarballs
  libssl-dev             # COpenSSL: AES-256-GCM with sops' 32-byte IVs
  age                    # tests: encrypt SOPS inputs with the real age CLI (age, age-keygen)
  python3                # tests: moto_server (PyPI moto[server], boto3) for AWS KMS end to end
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "run as root: $line" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Already-satisfied pinned requirements need no network; pip exits quickly.
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -r "$(dirname "$0")/requirements-test.txt"
