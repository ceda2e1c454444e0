// What the Node.js engines share about the questions: the columns of the
// groupby data each reads and the value columns its digest sums (the same
// names in every engine of bench/dbbench).
export const cols = {
  q1: ['id1', 'v1'],
  q2: ['id1', 'id2', 'v1'],
  q3: ['id3', 'v1', 'v3'],
  q4: ['id4', 'v1', 'v2', 'v3'],
  q5: ['id6', 'v1', 'v2', 'v3'],
  q6: ['id4', 'id5', 'v3'],
  q7: ['id3', 'v1', 'v2'],
  q8: ['id6', 'v3'],
  q9: ['id2', 'id4', 'v1', 'v2'],
  q10: ['id1', 'id2', 'id3', 'id4', 'id5', 'id6', 'v1', 'v3'],
};
export const outs = {
  q1: ['v1'], q2: ['v1'], q3: ['v1', 'v3'], q4: ['v1', 'v2', 'v3'], q5: ['v1', 'v2', 'v3'],
  q6: ['median_v3', 'sd_v3'], q7: ['range_v1_v2'], q8: ['largest2_v3'], q9: ['r2'],
  q10: ['v3', 'count'],
  j1: ['v1', 'v2'], j2: ['v1', 'v2'], j3: ['v1', 'v2'], j4: ['v1', 'v2'], j5: ['v1', 'v2'],
};
