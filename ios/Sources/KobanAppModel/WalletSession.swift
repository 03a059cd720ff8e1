import Foundation
import Koban

/// The app's first screen: opens the wallet on this device and enrols it if needed.
public final class WalletSession: ViewModel {
    /// Where the session is.
    public enum State: Equatable {
        /// Opening the database (and settling payments a crash left pending).
        case opening
        /// Opened; this device has no wallet yet.
        case needsEnrolment
        /// Enrolling with the host.
        case enrolling
        /// Ready: the screens can use `wallet`.
        case ready(WalletProfile)
        /// Opening or enrolling failed.
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .opening { didSet { changed() } }
    /// The open wallet, once opened.
    public private(set) var wallet: Wallet?

    private let dbPath: String
    private let keyStore: KeyStore
    private let config: WalletConfig
    private let transport: HttpTransport?
    private let logger: Koban.Logger?

    /// A session over the database at `dbPath`, its data key wrapped by `keyStore`.
    public init(dbPath: String, keyStore: KeyStore, config: WalletConfig, transport: HttpTransport? = nil, logger: Koban.Logger? = nil) {
        self.dbPath = dbPath
        self.keyStore = keyStore
        self.config = config
        self.transport = transport
        self.logger = logger
    }

    /// Opens the wallet (once) and says whether it is enrolled.
    public func open() async {
        state = .opening
        do {
            let w: Wallet
            if let wallet {
                w = wallet
            } else {
                w = try await Wallet.open(dbPath: dbPath, keyStore: keyStore, config: config, transport: transport, logger: logger)
                wallet = w
            }
            if let profile = try await w.profile() {
                state = .ready(profile)
            } else {
                state = .needsEnrolment
            }
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Enrols this device as `handle`; a taken handle leaves the session ready to try another.
    public func enrol(handle: String, displayName: String, country: String) async {
        guard let wallet else { return }
        state = .enrolling
        do {
            let profile = try await wallet.enrol(enrolment: Enrolment(country: country, handle: handle, displayName: displayName))
            state = .ready(profile)
        } catch {
            state = .failed(UserMessage(error))
        }
    }
}
