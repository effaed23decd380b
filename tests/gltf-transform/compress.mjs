// node compress.mjs draco|meshopt|quantize IN.glb OUT.glb
// Writes IN compressed as scanning pipelines do: Draco (KHR_draco_mesh_compression), or
// meshopt (EXT_meshopt_compression with KHR_mesh_quantization), or quantised only.
import { NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { draco, meshopt, quantize } from '@gltf-transform/functions';
import draco3d from 'draco3d';
import { MeshoptEncoder, MeshoptDecoder } from 'meshoptimizer';

const [how, input, output] = process.argv.slice(2);
if (!['draco', 'meshopt', 'quantize'].includes(how) || !output) {
  console.error('usage: node compress.mjs draco|meshopt|quantize IN.glb OUT.glb');
  process.exit(2);
}
await MeshoptEncoder.ready;
await MeshoptDecoder.ready;
const io = new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({
  'draco3d.encoder': await draco3d.createEncoderModule(),
  'draco3d.decoder': await draco3d.createDecoderModule(),
  'meshopt.encoder': MeshoptEncoder,
  'meshopt.decoder': MeshoptDecoder,
});
const doc = await io.read(input);
if (how === 'draco') await doc.transform(draco());
if (how === 'meshopt') await doc.transform(meshopt({ encoder: MeshoptEncoder, level: 'high' }));
if (how === 'quantize') await doc.transform(quantize());
await io.write(output, doc);
