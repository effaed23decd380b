//! Strips and fans unrolled into triangle lists with glTF's windings.

use disan_pack::{TRIANGLE_FAN, TRIANGLE_STRIP, TRIANGLES, triangle_list};

#[test]
fn strips_and_fans_become_triangle_lists() {
    // A strip of four corners: two triangles, the second's winding turned back.
    assert_eq!(
        triangle_list(TRIANGLE_STRIP, vec![0, 1, 2, 3]),
        Some(vec![0, 1, 2, 2, 1, 3])
    );
    // A fan around corner 0, wound as glTF says: (i, i+1, 0).
    assert_eq!(
        triangle_list(TRIANGLE_FAN, vec![0, 1, 2, 3]),
        Some(vec![1, 2, 0, 2, 3, 0])
    );
    assert_eq!(triangle_list(TRIANGLES, vec![0, 1, 2]), Some(vec![0, 1, 2]));
    assert_eq!(triangle_list(TRIANGLE_STRIP, vec![0, 1]), Some(vec![]));
    // Lines (1) and points (0) have no surface.
    assert_eq!(triangle_list(1, vec![0, 1]), None);
    assert_eq!(triangle_list(0, vec![0]), None);
}
