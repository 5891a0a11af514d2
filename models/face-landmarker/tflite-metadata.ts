import { Builder } from 'flatbuffers';
import { floatVector, offsetVector } from './tflite-edit.ts';

// Field slots and union members, from TensorFlow Lite's metadata_schema.fbs.
const ModelMetadata = { name: 0, description: 1, subgraphMetadata: 3, minParserVersion: 7 };
const SubGraphMetadata = { inputTensorMetadata: 2 };
const TensorMetadata = { name: 0, content: 3, processUnits: 4 };
const Content = { propertiesType: 0, properties: 1 };
const ImageProperties = { colorSpace: 0 };
const ProcessUnit = { optionsType: 0, options: 1 };
const NormalizationOptions = { mean: 0, std: 1 };
const contentIsImage = 2;
const colorSpaceRgb = 1;
const optionsAreNormalization = 1;

/**
 * The `TFLITE_METADATA` a MediaPipe task needs to feed an image model: its input is an RGB image, normalized as
 * (pixel - mean) / std. Without it the task refuses a float model ("requires specifying NormalizationOptions").
 */
export function imageInputMetadata(options: { name: string; description: string; inputName: string; mean: number; std: number }): Uint8Array {
  const builder = new Builder(1024);
  const mean = floatVector(builder, [options.mean]);
  const std = floatVector(builder, [options.std]);
  builder.startObject(2);
  builder.addFieldOffset(NormalizationOptions.mean, mean, 0);
  builder.addFieldOffset(NormalizationOptions.std, std, 0);
  const normalization = builder.endObject();
  builder.startObject(2);
  builder.addFieldInt8(ProcessUnit.optionsType, optionsAreNormalization, 0);
  builder.addFieldOffset(ProcessUnit.options, normalization, 0);
  const processUnits = offsetVector(builder, [builder.endObject()]);

  builder.startObject(2);
  builder.addFieldInt8(ImageProperties.colorSpace, colorSpaceRgb, 0);
  const imageProperties = builder.endObject();
  builder.startObject(3);
  builder.addFieldInt8(Content.propertiesType, contentIsImage, 0);
  builder.addFieldOffset(Content.properties, imageProperties, 0);
  const content = builder.endObject();

  const inputName = builder.createString(options.inputName);
  builder.startObject(5);
  builder.addFieldOffset(TensorMetadata.name, inputName, 0);
  builder.addFieldOffset(TensorMetadata.content, content, 0);
  builder.addFieldOffset(TensorMetadata.processUnits, processUnits, 0);
  const inputs = offsetVector(builder, [builder.endObject()]);
  builder.startObject(3);
  builder.addFieldOffset(SubGraphMetadata.inputTensorMetadata, inputs, 0);
  const subgraphs = offsetVector(builder, [builder.endObject()]);

  const name = builder.createString(options.name);
  const description = builder.createString(options.description);
  const minParserVersion = builder.createString('1.0.0');
  builder.startObject(8);
  builder.addFieldOffset(ModelMetadata.name, name, 0);
  builder.addFieldOffset(ModelMetadata.description, description, 0);
  builder.addFieldOffset(ModelMetadata.subgraphMetadata, subgraphs, 0);
  builder.addFieldOffset(ModelMetadata.minParserVersion, minParserVersion, 0);
  builder.finish(builder.endObject(), 'M001');
  return builder.asUint8Array().slice();
}
