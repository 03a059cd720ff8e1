import AVFoundation
import SwiftUI
import Koban
import KobanAppModel

/// The back camera: reads each frame's Y plane with `reader`, hands the codes found to
/// `onCodes`, and gives a preview layer to show.
final class CameraFrameSource: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate, @unchecked Sendable {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "io.koban.camera")
    private let lock = NSLock()
    private var busy = false
    private var configured = false
    /// Reads the frames, on the camera queue.
    var reader: FrameReader?
    /// Called on the camera queue with the texts of a frame's codes (never empty); call `done()`
    /// when they are handled, or frames stop coming.
    var onCodes: (([String]) -> Void)?

    /// Configures the back camera for biplanar YUV (the Y plane is the luma Koban scans).
    func configure() throws {
        guard !configured else { return }
        guard let device = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back) else { return }
        let input = try AVCaptureDeviceInput(device: device)
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange]
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(self, queue: queue)
        session.beginConfiguration()
        session.sessionPreset = .hd1280x720
        if session.canAddInput(input) { session.addInput(input) }
        if session.canAddOutput(output) { session.addOutput(output) }
        session.commitConfiguration()
        configured = true
    }

    func start() { queue.async { self.session.startRunning() } }
    func stop() { queue.async { self.session.stopRunning() } }

    /// The previous frame is handled: the next one may be delivered.
    func done() {
        lock.lock()
        busy = false
        lock.unlock()
    }

    func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection) {
        // One frame in flight: the scanner keeps up with what it can, the rest are dropped.
        lock.lock()
        if busy { lock.unlock(); return }
        busy = true
        lock.unlock()
        guard let pixels = CMSampleBufferGetImageBuffer(sampleBuffer) else { return done() }
        CVPixelBufferLockBaseAddress(pixels, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(pixels, .readOnly) }
        guard let base = CVPixelBufferGetBaseAddressOfPlane(pixels, 0) else { return done() }
        let width = CVPixelBufferGetWidthOfPlane(pixels, 0)
        let height = CVPixelBufferGetHeightOfPlane(pixels, 0)
        let bytesPerRow = CVPixelBufferGetBytesPerRowOfPlane(pixels, 0)
        // Scanned here, while the pixel buffer is locked: the camera takes it back when this
        // returns, and reading it in place spares a frame-sized copy into Swift memory.
        let plane = UnsafeRawBufferPointer(start: base, count: bytesPerRow * height)
        // Sensor frames are landscape; the app is portrait. A frame that fails to scan is dropped
        // like one without a code: the next one comes within milliseconds.
        let texts = (try? reader?.read(luma: plane, width: Int32(width), height: Int32(height), bytesPerRow: Int32(bytesPerRow), rotation: .deg90)) ?? []
        guard !texts.isEmpty, let onCodes else { return done() }
        onCodes(texts)
    }
}

/// The camera preview.
struct CameraPreview: UIViewRepresentable {
    let session: AVCaptureSession

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var previewLayer: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
    }

    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        view.previewLayer.session = session
        view.previewLayer.videoGravity = .resizeAspectFill
        return view
    }

    func updateUIView(_ uiView: PreviewView, context: Context) {}
}
