import SwiftUI
import os
import Koban
import KobanAppModel

/// The Koban wallet app: opens the wallet, enrols on first launch, then the tabs.
@main
struct KobanWalletApp: App {
    @StateObject private var session = Observed(WalletSession.live())

    var body: some Scene {
        WindowGroup {
            RootView(session: session)
                .task { await session.model.open() }
        }
    }
}

extension WalletSession {
    /// The session the app runs: the database in Application Support, the data key wrapped by
    /// the Secure Enclave, requests through URLSession, log lines to the unified log.
    static func live() -> WalletSession {
        let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try? FileManager.default.createDirectory(at: support, withIntermediateDirectories: true)
        // The host comes from Info.plist (KobanHostURL): the sandbox in development builds.
        let host = Bundle.main.object(forInfoDictionaryKey: "KobanHostURL") as? String ?? "http://127.0.0.1:8080"
        return WalletSession(
            dbPath: support.appendingPathComponent("wallet.sqlite3").path,
            keyStore: KeychainKeyStore(),
            config: WalletConfig(hostUrl: host, timeoutMs: 15_000, maxAttempts: 3),
            transport: URLSessionTransport(),
            logger: UnifiedLogger()
        )
    }
}

/// Koban's log lines into the unified log. `Koban.Logger`, since `os` has a `Logger` too.
final class UnifiedLogger: Koban.Logger, @unchecked Sendable {
    private let osLog = os.Logger(subsystem: "io.koban.wallet", category: "koban")

    func log(level: LogLevel, message: String) throws {
        // Koban's lines name operations and error kinds only, never amounts, keys or accounts.
        switch level {
        case .error: osLog.error("\(message, privacy: .public)")
        case .warn: osLog.warning("\(message, privacy: .public)")
        case .info: osLog.info("\(message, privacy: .public)")
        case .debug: osLog.debug("\(message, privacy: .public)")
        }
    }
}

/// Opening, enrolment or the tabs, as the session says.
struct RootView: View {
    @ObservedObject var session: Observed<WalletSession>

    var body: some View {
        switch session.model.state {
        case .opening, .enrolling:
            ProgressView()
        case .needsEnrolment:
            EnrolView(session: session.model)
        case .ready:
            if let wallet = session.model.wallet {
                MainTabs(wallet: wallet)
            }
        case .failed(let message):
            MessageView(message: message) {
                Task { await session.model.open() }
            }
        }
    }
}

/// The five screens.
struct MainTabs: View {
    let wallet: Wallet

    var body: some View {
        TabView {
            HomeView(wallet: wallet).tabItem { Label(AppText.tabHome.text(), systemImage: "house") }
            ScanPayView(wallet: wallet).tabItem { Label(AppText.tabScanPay.text(), systemImage: "qrcode.viewfinder") }
            MyCodeView(wallet: wallet).tabItem { Label(AppText.tabMyCode.text(), systemImage: "qrcode") }
            SendView(wallet: wallet).tabItem { Label(AppText.tabSend.text(), systemImage: "paperplane") }
            HistoryView(wallet: wallet).tabItem { Label(AppText.tabHistory.text(), systemImage: "list.bullet") }
        }
    }
}

/// First launch: pick a handle.
struct EnrolView: View {
    let session: WalletSession
    @State private var handle = ""
    @State private var name = ""

    var body: some View {
        Form {
            Section(AppText.enrolSection.text()) {
                TextField(AppText.enrolHandle.text(), text: $handle)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                TextField(AppText.enrolName.text(), text: $name)
            }
            Button(AppText.enrolCreate.text()) {
                Task { await session.enrol(handle: handle, displayName: name, country: "JP") }
            }
            .disabled(handle.isEmpty || name.isEmpty)
        }
    }
}
