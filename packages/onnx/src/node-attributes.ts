import type { AttributeProtoObject, NodeProtoObject } from './proto/onnx-schema.js';

/** Whether `domain` names the default ONNX operator set ('' or 'ai.onnx'; absent means ''). */
export function isDefaultDomainName(domain: string | undefined): boolean {
  return domain === undefined || domain === '' || domain === 'ai.onnx';
}

/** Whether the node is an operator of the default ONNX domain. */
export function isDefaultDomain(node: NodeProtoObject): boolean {
  return isDefaultDomainName(node.domain);
}

/** The node's name and op_type, as errors report them. */
export function describeNode(node: NodeProtoObject): { name: string; opType: string } {
  return { name: node.name ?? '', opType: node.op_type ?? '' };
}

/** The node's attribute called `name`, if any. */
export function attribute(node: NodeProtoObject, name: string): AttributeProtoObject | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

/** An INT attribute's value, or `fallback` when the node does not set it. */
export function intAttribute(node: NodeProtoObject, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found === undefined ? fallback : (found.i ?? 0);
}

/** A FLOAT attribute's value, or `fallback` when the node does not set it. */
export function floatAttribute(node: NodeProtoObject, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found === undefined ? fallback : (found.f ?? 0);
}
