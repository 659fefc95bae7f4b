"""Index Éducation's encrypted "export ENT" container (``EXPORT_INDEX_EDUCATION``).

The steps follow entcore's ``EDTUtils#decryptExport`` (see ``shared/formats/timetable.md``
§1.1): the partner's RSA key opens a 48-byte block (AES-128 key, IV, MD5 of both), AES-CBC
opens ``CONTENU``, SHA-256 of that (before inflating) must equal ``VERIFICATION``, then zlib
inflates it unless ``CompresseAvantChiffrement`` says it was not compressed.
"""

import base64
import binascii
import hashlib
import zlib
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .records import TimetableFileError
from .xmlsafe import DEFAULT_MAX_BYTES, check_size, local_name, safe_iterparse, size_label

CONTAINER_NS = "http://www.index-education.com/conteneurexportchiffre"
CONTAINER_ROOT = "EXPORT_INDEX_EDUCATION"
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class Container:
    version: str = ""
    software: str = ""
    uai: str = ""
    # Partner name → base64 of the RSA-encrypted AES key block, in file order.
    partners: dict = field(default_factory=dict)
    content: str = ""
    compressed: bool = True
    verification: str = ""
    content_line: int | None = None


def container_from_events(events, root, *, file):
    """Reads the rest of a container whose root start event was already consumed."""
    container = Container()
    for event, element in events:
        if event != "end":
            continue
        name = local_name(element)
        text = (element.text or "").strip()
        if name == "PARTENAIRE":
            container.partners[(element.get("NOM") or "").strip()] = text
        elif name == "CONTENU":
            container.content = text
            container.content_line = element.sourceline
            flag = (element.get("CompresseAvantChiffrement") or "true").strip().lower()
            container.compressed = flag not in ("false", "0")
        elif name == "VERIFICATION":
            container.verification = text
        elif name == "VERSION":
            container.version = text
        elif name == "LOGICIEL":
            container.software = text
        elif name == "UAI":
            container.uai = text
        if element is not root and element.getparent() is root:
            element.clear()
    if not container.content:
        raise TimetableFileError("fichier chiffré sans élément <CONTENU> : il est incomplet", file=file,
                                 line=root.sourceline)
    return container


def _b64(text, *, what, file, line=None):
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TimetableFileError(f"{what} n'est pas du base64 valide", file=file, line=line) from exc


def load_private_key(key, *, file=""):
    """An RSA private key from PEM (text or bytes) or DER bytes, PKCS#8 or PKCS#1."""
    if isinstance(key, RSAPrivateKey):
        return key
    data = key.encode() if isinstance(key, str) else bytes(key)
    try:
        if data.lstrip().startswith(b"-----"):
            loaded = serialization.load_pem_private_key(data, password=None)
        else:
            loaded = serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise TimetableFileError(
            "la clé privée configurée pour l'ENT est illisible "
            "(clé RSA PEM ou DER sans mot de passe attendue)",
            file=file,
        ) from exc
    if not isinstance(loaded, RSAPrivateKey):
        raise TimetableFileError("la clé privée configurée pour l'ENT n'est pas une clé RSA", file=file)
    return loaded


def container_decrypt(container, *, partner_name, private_key, file, max_bytes):
    names = ", ".join(name for name in container.partners) or "(aucun)"
    if not partner_name or private_key is None:
        raise TimetableFileError(
            f"Ce fichier est chiffré pour les partenaires {names} ; "
            "aucune clé de partenaire n'est configurée pour l'ENT",
            file=file,
        )
    if partner_name not in container.partners:
        raise TimetableFileError(
            f"Ce fichier est chiffré pour les partenaires {names} ; "
            "aucune clé de partenaire n'est configurée pour l'ENT "
            f"(la clé configurée est celle du partenaire « {partner_name} »)",
            file=file,
        )
    key = load_private_key(private_key, file=file)
    block = _b64(container.partners[partner_name], what=f"la clé du partenaire {partner_name}", file=file)
    try:
        secret = key.decrypt(block, asym_padding.PKCS1v15())
    except ValueError:
        secret = b""
    # A wrong key may "decrypt" to random bytes (RSA implicit rejection): the MD5 tells.
    if len(secret) != 48 or hashlib.md5(secret[:32]).digest() != secret[32:]:
        raise TimetableFileError(
            f"la clé privée configurée ne déchiffre pas ce fichier (contrôle MD5 de la clé AES du partenaire "
            f"{partner_name} en échec) : ce n'est pas la clé de ce partenaire",
            file=file,
        )
    aes_key, iv = secret[:16], secret[16:32]
    cipher_text = _b64(container.content, what="le contenu chiffré", file=file, line=container.content_line)
    if not cipher_text or len(cipher_text) % 16:
        raise TimetableFileError(
            "le contenu chiffré est tronqué (sa taille n'est pas un multiple de 16 octets)",
            file=file, line=container.content_line,
        )
    decryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(cipher_text) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise TimetableFileError(
            "le contenu déchiffré est illisible (remplissage AES invalide) : fichier altéré",
            file=file, line=container.content_line,
        ) from exc
    expected = _b64(container.verification, what="l'empreinte VERIFICATION", file=file)
    if hashlib.sha256(plain).digest() != expected:
        raise TimetableFileError(
            "le contenu déchiffré ne correspond pas à son empreinte SHA-256 (VERIFICATION) : "
            "fichier altéré ou incomplet",
            file=file,
        )
    if container.compressed:
        plain = _inflate(plain, file=file, max_bytes=max_bytes)
    check_size(len(plain), file=file, max_bytes=max_bytes)
    return plain.removeprefix(UTF8_BOM)


def _inflate(data, *, file, max_bytes):
    # Bounded so a small container cannot inflate into gigabytes.
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise TimetableFileError(
            f"le contenu déchiffré ne se décompresse pas (zlib : {exc})", file=file
        ) from exc
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise TimetableFileError(
            f"le contenu décompressé dépasse la limite de {size_label(max_bytes)}", file=file
        )
    return out


def edt_decrypt(data, *, partner_name, private_key_pem_or_der, file_name="", max_bytes=None):
    """The plaintext ``ExportEmploiDuTemps`` bytes of an encrypted container."""
    max_bytes = max_bytes or DEFAULT_MAX_BYTES
    events = safe_iterparse(data, file=file_name, max_bytes=max_bytes)
    _event, root = next(events)
    if local_name(root) != CONTAINER_ROOT:
        raise TimetableFileError(
            f"élément racine <{local_name(root)}> : un export chiffré commence par <{CONTAINER_ROOT}>",
            file=file_name, line=root.sourceline,
        )
    container = container_from_events(events, root, file=file_name)
    return container_decrypt(container, partner_name=partner_name, private_key=private_key_pem_or_der,
                             file=file_name, max_bytes=max_bytes)
