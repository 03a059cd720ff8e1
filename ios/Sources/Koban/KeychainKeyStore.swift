#if canImport(Security)
import Foundation
import Security
import CryptoKit

/// The iOS `KeyStore`: wraps the wallet's data key with a P-256 key that never leaves the
/// Secure Enclave (or the Keychain, on devices and simulators without one), using ECIES
/// (`eciesEncryptionCofactorVariableIVX963SHA256AESGCM`). Where there is a Secure Enclave it
/// also holds the wallet's device key (`signingKey` / `sign`): a non-exportable P-256 key that
/// signs every request there, so neither the database nor a copy of it carries the key;
/// without one (simulators, older Macs, `.keychain`) the wallet keeps a sealed software key.
///
/// Apple platforms only; it cannot be compiled or tested on the Linux test machines.
public final class KeychainKeyStore: KeyStore, @unchecked Sendable {
    /// Where the wrapping key lives.
    public enum Protection: Sendable {
        /// In the Secure Enclave when the device has one, else in the Keychain.
        case automatic
        /// Only in the Secure Enclave; wrapping fails where there is none.
        case secureEnclave
        /// A software key in the Keychain (simulators, tests).
        case keychain
    }

    private static let algorithm = SecKeyAlgorithm.eciesEncryptionCofactorVariableIVX963SHA256AESGCM
    // Wrapped blobs start with this version byte and the first bytes of the wrapping key's
    // public-key hash, so a blob made by another key (another install, another device) is
    // told apart from a Keychain failure before anything is decrypted.
    private static let version: UInt8 = 1
    private static let keyIdLength = 8

    private static let signingAlgorithm = SecKeyAlgorithm.ecdsaSignatureMessageX962SHA256

    private let tag: Data
    private let signingTagPrefix: String
    private let protection: Protection
    private let lock = NSLock()

    /// A key store whose wrapping key is the Keychain item tagged `tag`, created on first wrap;
    /// the device's signing keys are the Secure Enclave keys tagged `<signingTagPrefix>.<alias>`.
    public init(
        tag: String = "io.koban.wallet.data-key-wrap",
        signingTagPrefix: String = "io.koban.wallet.device-key",
        protection: Protection = .automatic
    ) {
        self.tag = Data(tag.utf8)
        self.signingTagPrefix = signingTagPrefix
        self.protection = protection
    }

    /// Wraps the wallet's data key for storage in its database.
    public func wrap(dataKey: Data) throws -> Data {
        let privateKey = try locked { try existingKey() ?? createKey() }
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw PlatformError.Failed(reason: "keychain: no public key for the wrapping key")
        }
        guard SecKeyIsAlgorithmSupported(publicKey, .encrypt, Self.algorithm) else {
            throw PlatformError.Failed(reason: "keychain: ECIES is not supported by the wrapping key")
        }
        var error: Unmanaged<CFError>?
        guard let sealed = SecKeyCreateEncryptedData(publicKey, Self.algorithm, dataKey as CFData, &error) as Data? else {
            throw Self.failure("encrypt", error?.takeRetainedValue())
        }
        let keyId = try Self.keyId(publicKey)
        return Data([Self.version]) + keyId + sealed
    }

    /// Unwraps a blob made by `wrap`; `BadWrappedKey` when another key made it.
    public func unwrap(wrapped: Data) throws -> Data {
        let header = 1 + Self.keyIdLength
        guard wrapped.count > header, wrapped.first == Self.version else { throw PlatformError.BadWrappedKey }
        // A missing wrapping key (the Keychain was reset, the app reinstalled) cannot unwrap anything.
        guard let privateKey = try locked({ try existingKey() }) else { throw PlatformError.BadWrappedKey }
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw PlatformError.Failed(reason: "keychain: no public key for the wrapping key")
        }
        let keyId = try Self.keyId(publicKey)
        guard wrapped.subdata(in: wrapped.startIndex + 1 ..< wrapped.startIndex + header) == keyId else {
            throw PlatformError.BadWrappedKey
        }
        var error: Unmanaged<CFError>?
        let sealed = wrapped.subdata(in: wrapped.startIndex + header ..< wrapped.endIndex)
        guard let dataKey = SecKeyCreateDecryptedData(privateKey, Self.algorithm, sealed as CFData, &error) as Data? else {
            let cf = error?.takeRetainedValue()
            // Our key, but the ciphertext does not open: altered or truncated, not a locked device.
            if let cf, [Int(errSecDecode), Int(errSecParam)].contains(CFErrorGetCode(cf)) {
                throw PlatformError.BadWrappedKey
            }
            throw Self.failure("decrypt", cf)
        }
        return dataKey
    }

    /// Creates, or finds, the Secure Enclave key `alias` and returns its public key (the
    /// 65-byte uncompressed point); nil where there is no Secure Enclave (simulators, Macs
    /// without one, `.keychain`), and the wallet then keeps a sealed software key instead.
    public func signingKey(alias: String) throws -> Data? {
        let privateKey: SecKey? = try locked {
            if let found = try existingSigningKey(alias) { return found }
            guard usesSecureEnclaveForSigning else { return nil }
            return try createSigningKey(alias)
        }
        guard let privateKey else { return nil }
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw PlatformError.Failed(reason: "keychain: no public key for the signing key")
        }
        var error: Unmanaged<CFError>?
        guard let point = SecKeyCopyExternalRepresentation(publicKey, &error) as Data? else {
            throw Self.failure("export the signing key's public key", error?.takeRetainedValue())
        }
        return point
    }

    /// Signs `message` with the Secure Enclave key `alias`: ECDSA P-256 over SHA-256 of the
    /// message, DER (`ecdsaSignatureMessageX962SHA256`). Fails when the key is gone (another
    /// phone, a restored backup, the Keychain reset): the wallet must be enrolled again.
    public func sign(alias: String, message: Data) throws -> Data {
        guard let privateKey = try locked({ try existingSigningKey(alias) }) else {
            throw PlatformError.Failed(reason: "keychain: this device holds no signing key by that alias")
        }
        guard SecKeyIsAlgorithmSupported(privateKey, .sign, Self.signingAlgorithm) else {
            throw PlatformError.Failed(reason: "keychain: ECDSA P-256 SHA-256 is not supported by the signing key")
        }
        var error: Unmanaged<CFError>?
        guard let signature = SecKeyCreateSignature(privateKey, Self.signingAlgorithm, message as CFData, &error) as Data? else {
            throw Self.failure("sign", error?.takeRetainedValue())
        }
        return signature
    }

    /// Deletes the signing key `alias` (sign-out, tests); the wallet that used it must enrol again.
    public func deleteSigningKey(alias: String) throws {
        let status = locked { SecItemDelete(signingQuery(alias) as CFDictionary) }
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw PlatformError.Failed(reason: "keychain: delete failed (\(status))")
        }
    }

    /// Deletes the wrapping key; every wallet it wrapped becomes unreadable (sign-out, tests).
    public func deleteKey() throws {
        let status = locked { SecItemDelete(baseQuery() as CFDictionary) }
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw PlatformError.Failed(reason: "keychain: delete failed (\(status))")
        }
    }

    // One caller at a time looks the key up or creates it, so two first wraps cannot make two keys.
    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func baseQuery() -> [String: Any] {
        [
            kSecClass as String: kSecClassKey,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeyClass as String: kSecAttrKeyClassPrivate,
            kSecAttrApplicationTag as String: tag,
            // On macOS too, the iOS-style keychain (the file keychain ignores access control).
            kSecUseDataProtectionKeychain as String: true,
        ]
    }

    private func existingKey() throws -> SecKey? {
        var query = baseQuery()
        query[kSecReturnRef as String] = true
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let item, CFGetTypeID(item) == SecKeyGetTypeID() else {
                throw PlatformError.Failed(reason: "keychain: the item is not a key")
            }
            return (item as! SecKey)
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            throw PlatformError.Failed(reason: "keychain: the device is locked (\(status))")
        default:
            throw PlatformError.Failed(reason: "keychain: lookup failed (\(status))")
        }
    }

    private func createKey() throws -> SecKey {
        let enclave: Bool
        switch protection {
        case .keychain: enclave = false
        case .secureEnclave: enclave = true
        case .automatic: enclave = Self.hasSecureEnclave
        }
        var error: Unmanaged<CFError>?
        // This device only, and only while it is unlocked: a phone taken while locked cannot
        // unwrap the wallet's data key (payment token, history). Opening the wallet while
        // locked fails as "the device is locked"; the app opens it again after unlock. A key
        // made by an older build keeps the accessibility it was made with.
        guard let access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault,
            kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
            enclave ? [.privateKeyUsage] : [],
            &error
        ) else {
            throw Self.failure("access control", error?.takeRetainedValue())
        }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecUseDataProtectionKeychain as String: true,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: tag,
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        if enclave { attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave }
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw Self.failure("create the wrapping key", error?.takeRetainedValue())
        }
        return key
    }

    // Device keys are made only in the Secure Enclave: a Keychain key would be no better than
    // the sealed software key the wallet keeps otherwise.
    private var usesSecureEnclaveForSigning: Bool {
        switch protection {
        case .keychain: return false
        case .secureEnclave, .automatic: return Self.hasSecureEnclave
        }
    }

    private func signingTag(_ alias: String) -> Data { Data("\(signingTagPrefix).\(alias)".utf8) }

    private func signingQuery(_ alias: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassKey,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeyClass as String: kSecAttrKeyClassPrivate,
            kSecAttrApplicationTag as String: signingTag(alias),
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecUseDataProtectionKeychain as String: true,
        ]
    }

    private func existingSigningKey(_ alias: String) throws -> SecKey? {
        var query = signingQuery(alias)
        query[kSecReturnRef as String] = true
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let item, CFGetTypeID(item) == SecKeyGetTypeID() else {
                throw PlatformError.Failed(reason: "keychain: the signing item is not a key")
            }
            return (item as! SecKey)
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            throw PlatformError.Failed(reason: "keychain: the device is locked (\(status))")
        default:
            throw PlatformError.Failed(reason: "keychain: signing key lookup failed (\(status))")
        }
    }

    private func createSigningKey(_ alias: String) throws -> SecKey {
        var error: Unmanaged<CFError>?
        // This device only, only while unlocked, and usable only for signing inside the enclave.
        guard let access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault,
            kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
            [.privateKeyUsage],
            &error
        ) else {
            throw Self.failure("access control", error?.takeRetainedValue())
        }
        let attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecUseDataProtectionKeychain as String: true,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: signingTag(alias),
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw Self.failure("create the signing key", error?.takeRetainedValue())
        }
        return key
    }

    // False on simulators and Macs without a T2 or Apple silicon.
    private static var hasSecureEnclave: Bool { SecureEnclave.isAvailable }

    /// The first bytes of SHA-256 over the public key's X9.63 bytes.
    private static func keyId(_ publicKey: SecKey) throws -> Data {
        var error: Unmanaged<CFError>?
        guard let bytes = SecKeyCopyExternalRepresentation(publicKey, &error) as Data? else {
            throw failure("export the public key", error?.takeRetainedValue())
        }
        return Data(SHA256.hash(data: bytes).prefix(keyIdLength))
    }

    /// A Security framework error as `Failed`, with its OSStatus code in parentheses (no key material).
    private static func failure(_ what: String, _ error: CFError?) -> PlatformError {
        guard let cf = error else {
            return .Failed(reason: "keychain: \(what) failed")
        }
        return .Failed(reason: "keychain: \(what) failed (\(CFErrorGetCode(cf)))")
    }
}
#endif
