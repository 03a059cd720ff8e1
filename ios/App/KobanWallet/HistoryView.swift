import SwiftUI
import Koban
import KobanAppModel

/// History: pages of transactions, newest first; the next page loads at the end of the list.
struct HistoryView: View {
    @StateObject private var history: Observed<HistoryModel>

    init(wallet: Wallet) {
        _history = StateObject(wrappedValue: Observed(HistoryModel(wallet: wallet)))
    }

    var body: some View {
        let model = history.model
        NavigationStack {
            List {
                ForEach(model.rows) { row in
                    HStack {
                        VStack(alignment: .leading) {
                            Text(verbatim: row.title)
                            // The device's locale and calendar.
                            Text(row.createdAt, style: .date)
                                .font(.caption).foregroundStyle(.secondary)
                        }
                        Spacer()
                        Text(verbatim: row.amountText)
                            .font(.body.monospacedDigit())
                            .foregroundStyle(row.direction == .in ? Color.green : Color.primary)
                    }
                    .onAppear { if row.id == model.rows.last?.id { Task { await model.loadMore() } } }
                }
                if let message = model.message { MessageView(message: message) { Task { await model.reload() } } }
            }
            .navigationTitle(AppText.tabHistory.text())
            .refreshable { await model.reload() }
            .task { await model.reload() }
        }
    }
}
