package com.example.orders;

/**
 * An order, sent as JSON.
 *
 * @param id the order's id
 * @param quantity how many
 */
public record Order(String id, int quantity) {

}
