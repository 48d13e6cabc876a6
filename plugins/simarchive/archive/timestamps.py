"""RFC 3161 time-stamp tokens over a capture's manifest: asked for, kept beside it, and checked.

request = token_request(folder)            # a TimeStampReq over the SHA-256 of manifest-sha256.txt
keep_token(folder, request, reply)         # checks the TSA's reply answers it, writes the .tsr
check_token(folder, trust)                 # [(path, problem)]: another manifest, a bad signature
stamp = read_token(folder)                 # who stamped it (the TSA) and when, for the site

The token is the Time-Stamp Authority's whole reply (a DER TimeStampResp), as `openssl ts -reply`
writes it, in manifest-sha256.txt.tsr: `openssl ts -verify -data manifest-sha256.txt -in
manifest-sha256.txt.tsr -CAfile <the TSA's CA>` checks it without us. It stamps the manifest, and
the manifest the SHA-256 of every other file, so one token dates the whole capture. It is added
after the manifest is written, so the manifest cannot list it; fixity.py lets exactly this one
file stand beside the manifest. Sending the HTTP request is capture's job: the archive format
never imports an HTTP client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cryptography.x509
from cryptography.x509.oid import NameOID
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimeStampRequest,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from ..errors import ArchiveError
from .fixity import MANIFEST, TOKEN

__all__ = ["TOKEN", "Stamp", "Trust", "check_token", "keep_token", "load_trust", "read_token", "token_request"]

#: The hash algorithms a token may use over the manifest, by OID (RFC 5754 names).
_HASHES = {
    "2.16.840.1.101.3.4.2.1": hashlib.sha256,
    "2.16.840.1.101.3.4.2.2": hashlib.sha384,
    "2.16.840.1.101.3.4.2.3": hashlib.sha512,
}


@dataclass(frozen=True)
class Stamp:
    """What a token says: the authority that signed it, when, and its serial number."""

    authority: str
    time: dt.datetime  # UTC
    serial: int

    @property
    def iso(self) -> str:
        return self.time.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Trust:
    """The certificates a token's signature must lead to: roots, and intermediates on the way."""

    roots: tuple[cryptography.x509.Certificate, ...]
    intermediates: tuple[cryptography.x509.Certificate, ...] = ()
    source: str = ""


def load_trust(path: Path) -> Trust:
    """The PEM certificates of a file: the self-signed ones are roots, the others intermediates."""
    try:
        certificates = cryptography.x509.load_pem_x509_certificates(path.read_bytes())
    except OSError as e:
        raise ArchiveError(str(path), f"cannot read the TSA certificates ({e.strerror})") from None
    except ValueError as e:
        raise ArchiveError(str(path), f"not a file of PEM certificates ({e})") from None
    roots = tuple(c for c in certificates if c.issuer == c.subject)
    if not roots:
        raise ArchiveError(str(path), "holds no root (self-signed) certificate; add the TSA's root CA")
    return Trust(roots, tuple(c for c in certificates if c.issuer != c.subject), str(path))


def _manifest_bytes(folder: Path) -> bytes:
    try:
        return (folder / MANIFEST).read_bytes()
    except OSError as e:
        raise ArchiveError(str(folder / MANIFEST), f"cannot be read ({e.strerror})") from None


def token_request(folder: Path) -> TimeStampRequest:
    """A request for a token over the capture's manifest: its SHA-256, a nonce, and the TSA's
    certificate asked for, so that the token can be checked with the TSA's root alone."""
    return TimestampRequestBuilder().data(_manifest_bytes(folder)).hash_algorithm(HashAlgorithm.SHA256).build()


def _decode(data: bytes, where: str) -> TimeStampResponse:
    try:
        return decode_timestamp_response(data)
    except ValueError as e:
        raise ArchiveError(where, f"not an RFC 3161 time-stamp reply ({e})") from None


def _imprint_problem(reply: TimeStampResponse, manifest: bytes) -> str | None:
    """Why the token does not stamp this manifest, or None when it does."""
    imprint = reply.tst_info.message_imprint
    digest = _HASHES.get(imprint.hash_algorithm.dotted_string)
    if digest is None:
        return f"the token uses a hash we do not check ({imprint.hash_algorithm.dotted_string})"
    ours = digest(manifest).hexdigest()
    if imprint.message.hex() != ours:
        return (f"the token is for another manifest: it stamps {imprint.message.hex()}, but "
                f"{MANIFEST} hashes to {ours}")
    return None


def keep_token(folder: Path, request: TimeStampRequest, reply_bytes: bytes, authority_url: str) -> Path:
    """Check that the TSA's reply grants a token over this manifest, for this request (its nonce),
    and write it beside the manifest atomically; a capture's token is never replaced."""
    where = f"the reply of {authority_url}"
    reply = _decode(reply_bytes, where)
    if PKIStatus(reply.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        said = "; ".join(reply.status_string) or "no reason given"
        raise ArchiveError(where, f"refused the request (status {reply.status}: {said})")
    if problem := _imprint_problem(reply, _manifest_bytes(folder)):
        raise ArchiveError(where, problem)
    if request.nonce is not None and reply.tst_info.nonce != request.nonce:
        raise ArchiveError(where, "answers another request (its nonce is not ours)")
    fd, tmp = tempfile.mkstemp(prefix=f".{TOKEN}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(reply_bytes)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.link(tmp, folder / TOKEN)  # unlike a rename, a link never replaces a token that is there
    except FileExistsError:
        raise ArchiveError(str(folder / TOKEN), "the capture is already timestamped") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return folder / TOKEN


def _signer(reply: TimeStampResponse) -> cryptography.x509.Certificate | None:
    """The certificate the token names as its signer, when the token carries it."""
    infos = list(reply.signed_data.signer_infos)
    if len(infos) != 1:
        return None
    for der in reply.signed_data.certificates:
        certificate = cryptography.x509.load_der_x509_certificate(der)
        if certificate.issuer == infos[0].issuer and certificate.serial_number == infos[0].serial_number:
            return certificate
    return None


def _authority(reply: TimeStampResponse) -> str:
    signer = _signer(reply)
    if signer is not None:
        names = signer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else signer.subject.rfc4514_string()
    name = reply.tst_info.name
    return str(getattr(name, "value", "") or "an unnamed authority")


def read_token(folder: Path) -> Stamp | None:
    """Who stamped the capture's manifest and when, as the token says (not checked: verify does
    that); None when the capture has no token or it cannot be read."""
    path = folder / TOKEN
    if path.is_symlink() or not path.is_file():
        return None
    try:
        reply = _decode(path.read_bytes(), str(path))
    except (ArchiveError, OSError):
        return None
    moment = reply.tst_info.gen_time
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return Stamp(_authority(reply), moment, reply.tst_info.serial_number)


def _granted_over_manifest(folder: Path) -> tuple[TimeStampResponse, bytes] | tuple[Path, str]:
    """The token and the manifest it stamps, or the first problem found in reading them."""
    path = folder / TOKEN
    if not (folder / MANIFEST).is_file():
        return path, f"a time-stamp token with no {MANIFEST} beside it to stamp"
    try:
        reply = _decode(path.read_bytes(), str(path))
        manifest = _manifest_bytes(folder)
    except ArchiveError as e:
        return Path(e.path), e.message
    except OSError as e:
        return path, f"cannot be read ({e.strerror})"
    if PKIStatus(reply.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        return path, f"the reply grants no token (status {reply.status})"
    if problem := _imprint_problem(reply, manifest):
        return path, problem
    return reply, manifest


def check_token(folder: Path, trust: Trust | None) -> list[tuple[Path, str]]:
    """The problems of a capture's token: unreadable, for another manifest, or (given trust) a
    signature that does not lead to the TSA's certificates. No token, no problem."""
    path = folder / TOKEN
    if path.is_symlink() or not path.exists():
        return []  # a linked token is reported by fixity, with every other link
    found = _granted_over_manifest(folder)
    if isinstance(found[0], Path):
        return [found]  # type: ignore[list-item]
    reply, manifest = found
    if trust is None:
        return []
    verifier = VerifierBuilder(roots=list(trust.roots), intermediates=list(trust.intermediates)).build()
    digest = _HASHES[reply.tst_info.message_imprint.hash_algorithm.dotted_string](manifest).digest()
    try:
        verifier.verify(reply, digest)
    except (VerificationError, ValueError) as e:
        return [(path, f"the token's signature does not check against the TSA certificates in "
                       f"{trust.source} ({_why(e)})")]
    return []


def _why(error: Exception) -> str:
    """OpenSSL's own reason ("Verify error: unable to get local issuer certificate") when the
    library's message carries its whole error stack."""
    found = re.search(r'data: "([^"]+)"', str(error))
    return found.group(1) if found else str(error)
