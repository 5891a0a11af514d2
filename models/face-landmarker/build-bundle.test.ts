import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildFaceLandmarkerBundle, recordedBundleSha256 } from './build-bundle.ts';
import { FlatTable } from './flat-table.ts';

const tensorShape = (model: FlatTable, index: number) => model.tables(2)[0]!.tables(0)[index]!.int32s(0);

describe('face landmarker bundle', () => {
  it('is built the same, byte for byte, every time, with the recorded sha256', async () => {
    const first = await buildFaceLandmarkerBundle();
    const second = await buildFaceLandmarkerBundle();
    expect(Buffer.compare(second.bytes, first.bytes)).toBe(0);
    expect(first.sha256).toBe(recordedBundleSha256);
  });

  it('holds the detector, the refined landmark model and the face geometry', async () => {
    const files = unzipSync((await buildFaceLandmarkerBundle()).bytes);
    expect(Object.keys(files).sort()).toEqual(['face_detector.tflite', 'face_landmarks_detector.tflite', 'geometry_pipeline_metadata_landmarks.binarypb']);

    const landmarks = FlatTable.root(files['face_landmarks_detector.tflite']!);
    const outputs = landmarks.tables(2)[0]!.int32s(2);
    // What the task reads: 478 x,y,z as [1, 1434], then the face flag.
    expect(outputs.map((index) => tensorShape(landmarks, index))).toEqual([[1, 1434], [1, 1, 1, 1]]);
    for (const name of ['face_detector.tflite', 'face_landmarks_detector.tflite']) {
      const model = FlatTable.root(files[name]!);
      const entries = model.tables(6).map((entry) => entry.string(0));
      expect(entries).toContain('TFLITE_METADATA');
      const bufferIndex = model.tables(6).find((entry) => entry.string(0) === 'TFLITE_METADATA')!.uint32(1);
      const metadata = model.tables(4)[bufferIndex]!.bytes(0);
      expect(new TextDecoder().decode(metadata.subarray(4, 8))).toBe('M001');
    }
  });
});
