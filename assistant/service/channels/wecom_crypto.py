"""WeCom (企业微信) callback security by its official algorithm (WXBizMsgCrypt): the SHA-1 signature
over the sorted token, timestamp, nonce and ciphertext, and AES-256-CBC with the key
Base64(EncodingAESKey + "="), IV = its first 16 bytes, PKCS#7 padding to 32-byte blocks, over
random(16) + length(4, big-endian) + message + receive id (the corp id).

Written on pycryptodome rather than taken from a library: wechatpy (correct on the official test
vectors) was last released in 2021-11; pywxwork (also correct) copies Tencent's sample code with
error-code returns, a non-constant-time comparison and two extra dependencies.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from Crypto.Cipher import AES

BLOCK = 32


class WeComCryptoError(ValueError):
    """A signature that does not match, or a ciphertext that does not decrypt to this corp's message."""


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str):
        try:
            self._key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error:
            raise ValueError("the EncodingAESKey is not base64") from None
        if len(self._key) != 32:
            raise ValueError("the EncodingAESKey must be 43 characters (32 bytes)")
        self._token, self._receive_id = token, receive_id.encode()

    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return hashlib.sha1("".join(sorted([self._token, timestamp, nonce, encrypted])).encode()).hexdigest()

    def verify(self, signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        if not hmac.compare_digest(self.signature(timestamp, nonce, encrypted), signature.lower()):
            raise WeComCryptoError("the signature does not match")

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except binascii.Error:
            raise WeComCryptoError("the ciphertext is not base64") from None
        if not data or len(data) % AES.block_size:
            raise WeComCryptoError("the ciphertext has a wrong length")
        plain = AES.new(self._key, AES.MODE_CBC, self._key[:16]).decrypt(data)
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad or len(plain) - pad < 20:
            raise WeComCryptoError("the padding is wrong (another key?)")
        body = plain[16:-pad]
        (length,) = struct.unpack(">I", body[:4])
        message, receive_id = body[4:4 + length], body[4 + length:]
        if len(message) != length or not hmac.compare_digest(receive_id, self._receive_id):
            raise WeComCryptoError("the message is not for this corp id")
        return message.decode()

    def encrypt(self, message: str, random16: bytes | None = None) -> str:
        raw = message.encode()
        body = (random16 or os.urandom(16)) + struct.pack(">I", len(raw)) + raw + self._receive_id
        pad = BLOCK - len(body) % BLOCK
        cipher = AES.new(self._key, AES.MODE_CBC, self._key[:16])
        return base64.b64encode(cipher.encrypt(body + bytes([pad]) * pad)).decode()
