// TensorBoard's Event / Summary / GraphDef protobuf messages, declared for protobufjs from the field numbers of
// TensorBoard's event.proto, summary.proto, tensor.proto, tensor_shape.proto, graph.proto, node_def.proto,
// attr_value.proto and versions.proto (only the fields tsgrad writes or tests read).
import protobuf from 'protobufjs';

const f = (type: string, id: number, rule?: 'repeated'): { type: string; id: number; rule?: string } => (rule ? { type, id, rule } : { type, id });

const ROOT = protobuf.Root.fromJSON({
  nested: {
    tensorboard: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['file_version', 'graph_def', 'summary'] } },
          fields: { wall_time: f('double', 1), step: f('int64', 2), file_version: f('string', 3), graph_def: f('bytes', 4), summary: f('Summary', 5) },
        },
        Summary: {
          fields: { value: f('Value', 1, 'repeated') },
          nested: {
            Image: { fields: { height: f('int32', 1), width: f('int32', 2), colorspace: f('int32', 3), encoded_image_string: f('bytes', 4) } },
            Value: {
              oneofs: { value: { oneof: ['simple_value', 'image', 'histo', 'tensor'] } },
              fields: {
                tag: f('string', 1), simple_value: f('float', 2), image: f('Image', 4), histo: f('HistogramProto', 5),
                node_name: f('string', 7), tensor: f('TensorProto', 8), metadata: f('SummaryMetadata', 9),
              },
            },
          },
        },
        HistogramProto: {
          fields: {
            min: f('double', 1), max: f('double', 2), num: f('double', 3), sum: f('double', 4), sum_squares: f('double', 5),
            bucket_limit: { type: 'double', id: 6, rule: 'repeated', options: { packed: true } },
            bucket: { type: 'double', id: 7, rule: 'repeated', options: { packed: true } },
          },
        },
        SummaryMetadata: {
          fields: { plugin_data: f('PluginData', 1), display_name: f('string', 2), summary_description: f('string', 3) },
          nested: { PluginData: { fields: { plugin_name: f('string', 1), content: f('bytes', 2) } } },
        },
        TensorShapeProto: {
          fields: { dim: f('Dim', 2, 'repeated'), unknown_rank: f('bool', 3) },
          nested: { Dim: { fields: { size: f('int64', 1), name: f('string', 2) } } },
        },
        GraphDef: { fields: { node: f('NodeDef', 1, 'repeated'), versions: f('VersionDef', 4) } },
        VersionDef: { fields: { producer: f('int32', 1) } },
        NodeDef: {
          fields: { name: f('string', 1), op: f('string', 2), input: f('string', 3, 'repeated'), device: f('string', 4), attr: { keyType: 'string', type: 'AttrValue', id: 5 } as protobuf.IMapField },
        },
        AttrValue: {
          oneofs: { value: { oneof: ['list', 's', 'i', 'f', 'b', 'shape'] } },
          fields: { list: f('ListValue', 1), s: f('bytes', 2), i: f('int64', 3), f: f('float', 4), b: f('bool', 5), shape: f('TensorShapeProto', 7) },
          nested: { ListValue: { fields: { s: f('bytes', 2, 'repeated'), shape: f('TensorShapeProto', 7, 'repeated') } } },
        },
        TensorProto: {
          fields: { dtype: f('int32', 1), tensor_shape: f('TensorShapeProto', 2), version_number: f('int32', 3), string_val: f('bytes', 8, 'repeated') },
        },
      },
    },
  },
});

/** The `tensorboard.Event` message type (encode with `EVENT.encode(EVENT.create(...)).finish()`). */
export const EVENT: protobuf.Type = ROOT.lookupType('tensorboard.Event');

/** TensorFlow's DataType enum value for strings (`DT_STRING`). */
export const DT_STRING = 7;

/** One `Summary.Value` as tsgrad builds it. */
export interface SummaryValue {
  tag: string;
  simple_value?: number;
  image?: { height: number; width: number; colorspace: number; encoded_image_string: Uint8Array };
  histo?: { min: number; max: number; num: number; sum: number; sum_squares: number; bucket_limit: number[]; bucket: number[] };
  tensor?: { dtype: number; tensor_shape: { dim: { size: number }[] }; string_val: Uint8Array[] };
  metadata?: { plugin_data: { plugin_name: string; content?: Uint8Array } };
}

/** The `tensorboard.GraphDef` message type (what `add_graph` writes into `Event.graph_def`). */
export const GRAPH_DEF: protobuf.Type = ROOT.lookupType('tensorboard.GraphDef');

/** Serialized `Event` bytes: `what` is a file_version string, a list of summary values or a GraphDef's bytes. */
export function encode_event(wall_time: number, step: number, what: { file_version: string } | { summary: SummaryValue[] } | { graph_def: Uint8Array }): Uint8Array {
  const body = 'summary' in what ? { summary: { value: what.summary } } : what;
  return EVENT.encode(EVENT.create({ wall_time, step, ...body })).finish();
}

/** A decoded `Event`: steps as numbers, bytes as Uint8Array, unset fields absent (step 0 reads as 0). */
export interface DecodedEvent {
  /** Seconds since the Unix epoch when the event was written. */
  wall_time: number;
  /** The global step it was logged at. */
  step: number;
  /** Set on the file's first event only: `brain.Event:2`. */
  file_version?: string;
  /** The logged values (scalars, histograms, images, text) of a summary event. */
  summary?: {
    /** One entry per logged tag. */
    value: SummaryValue[];
  };
  /** A `GraphDef`'s bytes, in the event `add_graph` writes. */
  graph_def?: Uint8Array;
}

/**
 * Parses one event record's bytes (from `read_records`) as a TensorBoard `Event`.
 *
 * @example
 * const events = read_records(fs.readFileSync(path)).map(decode_event);
 */
export function decode_event(bytes: Uint8Array): DecodedEvent {
  const e = EVENT.toObject(EVENT.decode(bytes), { longs: Number, defaults: false }) as DecodedEvent;
  e.wall_time ??= 0;
  e.step ??= 0;
  return e;
}
