package com.example.orders;

/**
 * The reply to an order.
 *
 * @param orderId the order's id
 * @param connectionId the connection the order came on
 */
public record Confirmation(String orderId, String connectionId) {

}
