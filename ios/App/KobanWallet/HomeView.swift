import SwiftUI
import Koban
import KobanAppModel

/// Home: the balance (stale while offline), incoming money, and Top up.
struct HomeView: View {
    @StateObject private var home: Observed<HomeModel>
    private let wallet: Wallet

    init(wallet: Wallet) {
        self.wallet = wallet
        _home = StateObject(wrappedValue: Observed(HomeModel(wallet: wallet)))
    }

    var body: some View {
        let model = home.model
        NavigationStack {
            List {
                Section {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(model.balance?.text ?? "—").font(.largeTitle.monospacedDigit())
                        if model.balance?.isStale == true { Text("Last known balance").font(.caption).foregroundStyle(.secondary) }
                        if let p = model.profile { Text("@\(p.handle)").font(.subheadline).foregroundStyle(.secondary) }
                    }
                }
                if let message = model.message {
                    Section { MessageView(message: message) { Task { await model.refresh() } } }
                }
                if let incoming = model.lastIncoming {
                    Section("Just arrived") {
                        Text(incoming.description)
                        Text(MoneyText.signed(incoming.amount, direction: incoming.direction)).foregroundStyle(.green)
                    }
                }
                Section {
                    NavigationLink("Top up") { TopUpView(wallet: wallet) }
                }
            }
            .navigationTitle("Koban")
            .refreshable { await model.refresh() }
            .task { await model.refresh() }
            .onAppear { model.startListening() }
            .onDisappear { model.stopListening() }
        }
    }
}
