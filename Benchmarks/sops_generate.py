#!/usr/bin/env python3
"""Writes a sops-format YAML Secret with 1,000 encrypted values (32-byte IVs, as sops writes them) and
the hex data key next to it. Our own generator (Python `cryptography` AES-GCM), deterministic values,
random key and IVs. Usage: sops_generate.py OUT.yaml OUT.key"""
import base64, hashlib, os, random, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

out, keyfile = sys.argv[1], sys.argv[2]
key = os.urandom(32)
gcm = AESGCM(key)
rng = random.Random(7)

def enc(plain: bytes, aad: str, typ: str = "str") -> str:
    iv = os.urandom(32)
    sealed = gcm.encrypt(iv, plain, aad.encode())
    b = lambda x: base64.b64encode(x).decode()
    return f"ENC[AES256_GCM,data:{b(sealed[:-16])},iv:{b(iv)},tag:{b(sealed[-16:])},type:{typ}]"

mac = hashlib.sha512()
lines = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: bench", "stringData:"]
for word in ["v1", "Secret", "bench"]:
    mac.update(word.encode())
for i in range(1000):
    value = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(16, 64)))
    name = f"key{i:04d}"
    mac.update(value.encode())
    lines.append(f"  {name}: {enc(value.encode(), f'stringData:{name}:')}")
lastmodified = "2025-01-02T03:04:05Z"
lines += [
    "sops:",
    "  age:",
    "    - recipient: age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29",
    "      enc: unused",
    f'  lastmodified: "{lastmodified}"',
    f"  mac: {enc(mac.hexdigest().upper().encode(), lastmodified)}",
    "  encrypted_regex: ^(data|stringData)$",
    "  version: 3.9.0",
]
open(out, "w").write("\n".join(lines) + "\n")
open(keyfile, "w").write(key.hex() + "\n")
print(f"wrote {out}: 1000 encrypted values")
