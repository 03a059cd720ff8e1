import SwiftUI
import Koban
import KobanAppModel

/// Home: the balance (stale while offline), incoming money, and the ways money moves in and
/// out (top up, withdraw, receive, requests, split a bill).
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
                        Text(verbatim: model.balance?.text ?? "—").font(.largeTitle.monospacedDigit())
                        if model.balance?.isStale == true { Text(.homeLastKnownBalance).font(.caption).foregroundStyle(.secondary) }
                        if let p = model.profile { Text(verbatim: "@\(p.handle)").font(.subheadline).foregroundStyle(.secondary) }
                    }
                }
                if let message = model.message {
                    Section { MessageView(message: message) { Task { await model.refresh() } } }
                }
                if let incoming = model.lastIncoming {
                    Section(AppText.homeJustArrived.text()) {
                        Text(verbatim: TransactionLine.text(incoming))
                        Text(verbatim: MoneyText.signed(incoming.amount, direction: incoming.direction)).foregroundStyle(.green)
                    }
                }
                Section {
                    NavigationLink(AppText.topUpTitle.text()) { TopUpView(wallet: wallet) }
                    NavigationLink(AppText.withdrawTitle.text()) { WithdrawView(wallet: wallet) }
                    NavigationLink(AppText.receiveTitle.text()) { ReceiveCodeView(wallet: wallet) }
                    NavigationLink(AppText.requestsTitle.text()) { MoneyRequestsView(wallet: wallet) }
                    NavigationLink(AppText.splitTitle.text()) { SplitBillView(wallet: wallet) }
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
