// The microphone's audio-worklet processor (loaded as a module from this text: microphone-capture.ts). It runs on the
// audio thread, where 128-sample quanta come; it posts them in blocks of 256 (16 ms at 16 kHz) straight to the
// graph runner's worker, through the port the worker handed over, so the page's own thread never carries sound.
class MicrophoneBlocks extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(256);
    this.filled = 0;
    this.out = undefined;
    this.port.onmessage = (event) => {
      this.out = event.data.port;
    };
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (!channel || !this.out) return true;
    for (let i = 0; i < channel.length; i++) {
      this.block[this.filled++] = channel[i];
      if (this.filled === this.block.length) {
        this.out.postMessage(this.block, [this.block.buffer]);
        this.block = new Float32Array(256);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('vivify-microphone', MicrophoneBlocks);
