import Foundation

/// Every fixed text of the app's screens and models, by its key in `Localizable.strings`
/// (`Resources/<language>.lproj`). The English text is in the comment; `text(_:)` gives it in
/// the user's language. Error texts are `ErrorTopic`'s and history lines `TransactionLine`'s.
public enum AppText: String, CaseIterable, Sendable {
    /// Try again
    case actionRetry = "action.retry"
    /// Top up
    case actionTopUp = "action.top_up"
    /// Verify identity
    case actionVerifyIdentity = "action.verify_identity"
    /// Scan again
    case actionScanAgain = "action.scan_again"
    /// Edit
    case actionEdit = "action.edit"
    /// OK
    case actionOK = "action.ok"
    /// Continue
    case actionContinue = "action.continue"
    /// Cancel
    case actionCancel = "action.cancel"
    /// Done
    case actionDone = "action.done"
    /// Details
    case messageDetails = "message.details"
    /// Amount
    case fieldAmount = "field.amount"
    /// Note
    case fieldNote = "field.note"
    /// Rate
    case fieldRate = "field.rate"
    /// Fee
    case fieldFee = "field.fee"
    /// From your wallet
    case fieldFromWallet = "field.from_wallet"
    /// Balance %@
    case balanceNow = "balance.now"
    /// Done
    case doneSection = "section.done"
    /// within a minute
    case arrivalMinute = "arrival.minute"
    /// within %@ min
    case arrivalMinutes = "arrival.minutes"
    /// within %@ h
    case arrivalHours = "arrival.hours"
    /// Waiting
    case statusPending = "status.pending"
    /// Paid
    case statusPaid = "status.paid"
    /// Declined
    case statusDeclined = "status.declined"
    /// Expired
    case statusExpired = "status.expired"
    /// Home
    case tabHome = "tab.home"
    /// Scan & Pay
    case tabScanPay = "tab.scan_pay"
    /// My Code
    case tabMyCode = "tab.my_code"
    /// Send
    case tabSend = "tab.send"
    /// History
    case tabHistory = "tab.history"
    /// Your wallet
    case enrolSection = "enrol.section"
    /// Handle
    case enrolHandle = "enrol.handle"
    /// Name shown to friends
    case enrolName = "enrol.name"
    /// Create wallet
    case enrolCreate = "enrol.create"
    /// Last known balance
    case homeLastKnownBalance = "home.last_known_balance"
    /// Just arrived
    case homeJustArrived = "home.just_arrived"
    /// Top up
    case topUpTitle = "top_up.title"
    /// From
    case topUpFrom = "top_up.from"
    /// Added %@
    case topUpAdded = "top_up.added"
    /// Account
    case bankAccount = "bank.account"
    /// Link a bank account
    case bankLinkSection = "bank.link_section"
    /// Bank
    case bankBank = "bank.bank"
    /// Account number
    case bankAccountNumber = "bank.account_number"
    /// Account holder name
    case bankHolderName = "bank.holder_name"
    /// Link account
    case bankLink = "bank.link"
    /// Withdraw
    case withdrawTitle = "withdraw.title"
    /// To
    case withdrawTo = "withdraw.to"
    /// Check your withdrawal
    case withdrawReview = "withdraw.review"
    /// Withdraw %@
    case withdrawConfirm = "withdraw.confirm"
    /// A withdrawal fee is added to this amount.
    case withdrawFeeNote = "withdraw.fee_note"
    /// To your bank
    case withdrawToBank = "withdraw.to_bank"
    /// Unlink this account
    case withdrawUnlink = "withdraw.unlink"
    /// %@ is no longer linked.
    case withdrawUnlinked = "withdraw.unlinked"
    /// Choose an account
    case withdrawChooseAccountTitle = "withdraw.choose_account.title"
    /// Link a bank account to withdraw to.
    case withdrawChooseAccountDetail = "withdraw.choose_account.detail"
    /// This account is not linked.
    case withdrawNotLinkedDetail = "withdraw.not_linked.detail"
    /// To
    case sendTo = "send.to"
    /// @handle or receive code
    case sendRecipientPlaceholder = "send.recipient_placeholder"
    /// Message
    case sendMessage = "send.message"
    /// Check before sending
    case sendReview = "send.review"
    /// Send %@
    case sendConfirm = "send.confirm"
    /// Sent
    case sendSent = "send.sent"
    /// %1$@ sent to %2$@
    case sendSentTo = "send.sent_to"
    /// They receive %@
    case sendTheyReceive = "send.they_receive"
    /// They receive
    case sendTheyReceiveLabel = "send.they_receive_label"
    /// Arrives
    case sendArrives = "send.arrives"
    /// Send more
    case sendMore = "send.more"
    /// Who is it for?
    case sendWhoForTitle = "send.who_for.title"
    /// Enter a handle or scan their code.
    case sendWhoForDetail = "send.who_for.detail"
    /// Receive
    case receiveTitle = "receive.title"
    /// Amount (optional)
    case receiveAmountOptional = "receive.amount_optional"
    /// Note (optional)
    case receiveNoteOptional = "receive.note_optional"
    /// Show my receive code
    case receiveMake = "receive.make"
    /// Asks for %@
    case receiveAsksFor = "receive.asks_for"
    /// The payer chooses the amount
    case receiveAnyAmount = "receive.any_amount"
    /// A friend scans this code with Koban to pay you.
    case receiveHint = "receive.hint"
    /// New code
    case receiveNewCode = "receive.new_code"
    /// Shorten the note
    case receiveNoteTooLongTitle = "receive.note_too_long.title"
    /// A receive code's note holds up to %@ characters.
    case receiveNoteTooLongDetail = "receive.note_too_long.detail"
    /// Requests
    case requestsTitle = "requests.title"
    /// Ask a friend for money
    case requestAsk = "request.ask"
    /// Friend's @handle
    case requestFriendHandle = "request.friend_handle"
    /// Send request
    case requestAskButton = "request.ask_button"
    /// Asked of you
    case requestIncomingSection = "request.incoming_section"
    /// You asked
    case requestOutgoingSection = "request.outgoing_section"
    /// None
    case requestNone = "request.none"
    /// %1$@ asks for %2$@
    case requestIncoming = "request.incoming"
    /// You asked %1$@ for %2$@
    case requestOutgoing = "request.outgoing"
    /// Check before paying
    case requestPayReview = "request.pay_review"
    /// Pay %@
    case requestPayConfirm = "request.pay_confirm"
    /// Paid %1$@ to %2$@
    case requestPaid = "request.paid"
    /// Asked %1$@ for %2$@
    case requestSent = "request.sent"
    /// You declined %@'s request. Nothing was paid.
    case requestDeclined = "request.declined"
    /// Who should pay?
    case requestWhoPaysTitle = "request.who_pays.title"
    /// Enter a friend's handle.
    case requestWhoPaysDetail = "request.who_pays.detail"
    /// This request can't be paid
    case requestNotPayableTitle = "request.not_payable.title"
    /// It is no longer waiting for you.
    case requestNotPayableDetail = "request.not_payable.detail"
    /// Split a bill
    case splitTitle = "split.title"
    /// The bill
    case splitBill = "split.bill"
    /// Total
    case splitTotal = "split.total"
    /// How to split
    case splitHow = "split.how"
    /// Equally
    case splitEqual = "split.equal"
    /// Exact amounts
    case splitExact = "split.exact"
    /// Friends
    case splitFriends = "split.friends"
    /// Add a friend
    case splitAddFriend = "split.add_friend"
    /// Shares
    case splitShares = "split.shares"
    /// Show shares
    case splitPreview = "split.preview"
    /// Send requests
    case splitSend = "split.send"
    /// Paid so far
    case splitPaidSoFar = "split.paid_so_far"
    /// Still to come
    case splitOutstanding = "split.outstanding"
    /// Check who has paid
    case splitRefresh = "split.refresh"
    /// New bill
    case splitNew = "split.new"
    /// Who shares the bill?
    case splitWhoSharesTitle = "split.who_shares.title"
    /// Add at least one friend.
    case splitWhoSharesDetail = "split.who_shares.detail"
    /// The shares don't add up
    case splitMismatchTitle = "split.mismatch.title"
    /// They make %1$@ of %2$@.
    case splitMismatchDetail = "split.mismatch.detail"
    /// Merchant
    case scanMerchant = "scan.merchant"
    /// This code can be paid in more than one way. Choose one.
    case scanChooseRoute = "scan.choose_route"
    /// Amount in %@
    case scanAmountIn = "scan.amount_in"
    /// The shop asks for
    case scanShopAsks = "scan.shop_asks"
    /// Tip
    case scanTip = "scan.tip"
    /// Tip (optional)
    case scanTipOptional = "scan.tip_optional"
    /// Paid via
    case scanRoute = "scan.route"
    /// Pay %@
    case scanPay = "scan.pay"
    /// Paid %@
    case scanPaid = "scan.paid"
    /// %@ from your wallet
    case scanFromWalletLine = "scan.from_wallet_line"
    /// %@ is required
    case scanFillReferenceTitle = "scan.fill_reference.title"
    /// The shop asks for it with this payment.
    case scanFillReferenceDetail = "scan.fill_reference.detail"
    /// Enter the amount
    case scanEnterAmountTitle = "scan.enter_amount.title"
    /// This code leaves the amount to the payer.
    case scanEnterAmountDetail = "scan.enter_amount.detail"
    /// Bill number
    case refBillNumber = "ref.bill_number"
    /// Mobile number
    case refMobileNumber = "ref.mobile_number"
    /// Store
    case refStore = "ref.store"
    /// Loyalty number
    case refLoyaltyNumber = "ref.loyalty_number"
    /// Reference
    case refReference = "ref.reference"
    /// Customer number
    case refCustomerNumber = "ref.customer_number"
    /// Terminal
    case refTerminal = "ref.terminal"
    /// Purpose
    case refPurpose = "ref.purpose"
    /// Details the shop asks for
    case refConsumerData = "ref.consumer_data"
    /// Note
    case refNote = "ref.note"
    /// Codes left: %@
    case myCodeCodesLeft = "my_code.codes_left"
    /// Codes left: %@ · offline
    case myCodeCodesLeftOffline = "my_code.codes_left_offline"
    /// Barcode till
    case myCodeBarcodeTill = "my_code.barcode_till"
    /// Payment code
    case myCodeAccessibility = "my_code.accessibility"
    /// Pay %@?
    case chargeAlertTitle = "charge.alert_title"
    /// %1$@ asks for %2$@, above your limit for paying without asking. %3$@ s left.
    case chargeAlertMessage = "charge.alert_message"
    /// Pay
    case chargePay = "charge.pay"
    /// Decline
    case chargeDecline = "charge.decline"
    /// Paid %@.
    case chargeApproved = "charge.approved"
    /// Declined. Nothing was paid.
    case chargeDeclined = "charge.declined"
    /// The request timed out. Nothing was paid.
    case chargeExpired = "charge.expired"
}
