/**
 * The opaque types of the Kubernetes CEL libraries (`kubernetes.Quantity`, `kubernetes.URL`, `net.IP`, `net.CIDR`),
 * declared as one-field protobuf messages so the evaluator can carry, compare and dispatch on them. Each holds a
 * canonical text, so equal values compare equal (`quantity('1') == quantity('1000m')`).
 */
import { create, createFileRegistry, type DescMessage, type Registry } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { objectType, type CelObjectType } from '@bufbuild/cel';

const textMessage = (name: string) => ({
  name,
  field: [{ name: 'text', number: 1, type: FieldDescriptorProto_Type.STRING, label: FieldDescriptorProto_Label.OPTIONAL, jsonName: 'text' }],
});

const kubernetes = create(FileDescriptorProtoSchema, {
  name: 'daemonlint/kubernetes.proto',
  package: 'kubernetes',
  syntax: 'proto3',
  messageType: [textMessage('Quantity'), textMessage('URL')],
});
const net = create(FileDescriptorProtoSchema, { name: 'daemonlint/net.proto', package: 'net', syntax: 'proto3', messageType: [textMessage('IP'), textMessage('CIDR')] });

/** The registry the environment resolves these types in. */
export const registry: Registry = createFileRegistry(createFileRegistry(kubernetes, () => undefined), createFileRegistry(net, () => undefined));

function desc(name: string): DescMessage {
  const d = registry.getMessage(name);
  if (!d) throw new Error(`type ${name} is missing`);
  return d;
}

export interface OpaqueType {
  type: CelObjectType;
  /** A value of the type holding `text`. */
  make(text: string): unknown;
}

function opaque(name: string): OpaqueType {
  const d = desc(name);
  return { type: objectType(d), make: (text) => create(d, { text } as never) };
}

export const QUANTITY = opaque('kubernetes.Quantity');
export const URL_TYPE = opaque('kubernetes.URL');
export const IP_TYPE = opaque('net.IP');
export const CIDR_TYPE = opaque('net.CIDR');

/** The text an opaque value holds (`this` inside a method of one of these types). */
export function textOf(v: unknown): string {
  return String((v as { message: { text: string } }).message.text);
}
