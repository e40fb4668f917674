/**
 * A camera for the browser tests: Chromium plays a Y4M file as its (fake) camera
 * (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>`, see
 * launchBrowser's `camera`). `qrFrameY4m` draws one frame showing a QR code, as a patient's
 * screen held up to the reception's camera would; Chromium loops it.
 */
import QRCode from "qrcode";

export interface CameraFrame {
  readonly width: number;
  readonly height: number;
}

const BLACK = 16; // video-range luma
const WHITE = 235;
const NEUTRAL_CHROMA = 128;
const QUIET_ZONE = 4; // modules of white around the code, as the QR specification asks

/**
 * One Y4M (YUV4MPEG2, 4:2:0) video frame with `text`'s QR code (error correction L, as the
 * registration handout draws it) in the middle, each module a whole number of pixels.
 */
export function qrFrameY4m(text: string, frame: CameraFrame = { width: 640, height: 480 }): Buffer {
  const { width, height } = frame;
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error("A 4:2:0 frame needs an even width and height");
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: "L" }).modules;
  const scale = Math.floor(Math.min(width, height) / (size + 2 * QUIET_ZONE));
  if (scale < 2) throw new Error(`A ${size}-module QR code does not fit a ${width}x${height} frame`);
  const left = Math.floor((width - size * scale) / 2);
  const top = Math.floor((height - size * scale) / 2);
  const luma = Buffer.alloc(width * height, WHITE);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!data[row * size + col]) continue;
      for (let y = 0; y < scale; y++)
        luma.fill(BLACK, (top + row * scale + y) * width + left + col * scale, (top + row * scale + y) * width + left + (col + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, NEUTRAL_CHROMA); // U then V, both neutral: grey levels only
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`, "latin1");
  return Buffer.concat([header, luma, chroma]);
}
